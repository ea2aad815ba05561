// The civicgrid HTTP API. Every call returns parsed JSON or throws an ApiError; an error body
// {"error":{"code","message","field"}} becomes an ApiError carrying code, field, HTTP status and the
// server's message. describeError() turns any thrown value into one readable, translated line.
// Cancelled requests throw the browser's AbortError untouched: check isAbort(err) and ignore them.

export const API_BASE = '/api/v1'

export class ApiError extends Error {
  constructor({ status = 0, code = 'unknown', message = '', field = '' } = {}) {
    super(message || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.detail = message
  }
}

export function isAbort(err) {
  return err?.name === 'AbortError'
}

function buildUrl(path, params) {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value))
  }
  const qs = query.toString()
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`
}

// GET path (relative to /api/v1) with query params. options.signal cancels it.
export async function request(path, { params, signal, fetchImpl } = {}) {
  const doFetch = fetchImpl ?? globalThis.fetch
  let response
  try {
    response = await doFetch(buildUrl(path, params), {
      headers: { Accept: 'application/json, application/geo+json' },
      signal,
    })
  } catch (err) {
    if (isAbort(err)) throw err
    throw new ApiError({ code: 'network', message: err?.message ?? '' })
  }
  let body
  let text = ''
  try {
    text = await response.text()
    body = text ? JSON.parse(text) : undefined
  } catch (err) {
    if (isAbort(err)) throw err
    body = undefined
  }
  if (!response.ok) {
    const e = body && typeof body === 'object' ? body.error : undefined
    if (e && typeof e === 'object' && typeof e.code === 'string') {
      throw new ApiError({
        status: response.status,
        code: e.code,
        message: typeof e.message === 'string' ? e.message : '',
        field: typeof e.field === 'string' ? e.field : '',
      })
    }
    throw new ApiError({ status: response.status, code: 'http', message: text.slice(0, 200) })
  }
  if (body === undefined) throw new ApiError({ status: response.status, code: 'bad_response' })
  return body
}

const enc = encodeURIComponent

export const api = {
  // {code,name,level,parent,path:[self..province],children:[{code,name,level,grids}],grids}
  division: (code, options) => request(`/divisions/${enc(code)}`, options),
  // FeatureCollection of one level in a bbox [minLon,minLat,maxLon,maxLat], plus "truncated".
  grids: ({ bbox, level, limit }, options) =>
    request('/grids', { ...options, params: { bbox: bbox.join(','), level, limit } }),
  // A grid's Feature; properties.path lists it and its ancestors.
  grid: (code, options) => request(`/grids/${enc(code)}`, options),
  // {inside,distance_m,wgs84,grid,community,street,county,city,province}
  locate: ({ lon, lat, crs = 'wgs84' }, options) => request('/locate', { ...options, params: { lon, lat, crs } }),
}

// One readable line for any error, in the current language. t(key, params) translates and
// returns the key itself when there is no such message.
export function describeError(err, t) {
  if (!(err instanceof ApiError)) {
    return t('errors.unknown') + (err?.message ? ` — ${err.message}` : '')
  }
  const fieldKey = `errors.fields.${err.field}`
  const fieldLabel = err.field ? (t(fieldKey) !== fieldKey ? t(fieldKey) : err.field) : ''
  let headline
  if (err.code === 'invalid_argument' && fieldLabel) {
    headline = t('errors.invalid_argument_field', { field: fieldLabel })
  } else {
    const key = `errors.${err.code}`
    const translated = t(key, { status: err.status })
    headline = translated !== key ? translated : t('errors.http', { status: err.status || '?' })
  }
  // The server's own message is specific (e.g. which character is wrong); add it as detail for
  // request errors, where it helps the user fix the input.
  const showDetail = err.detail && ['invalid_argument', 'failed_precondition'].includes(err.code)
  return showDetail ? t('errors.withDetail', { headline, detail: err.detail }) : headline
}
