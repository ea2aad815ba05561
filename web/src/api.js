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

// The bearer token of the signed-in user, kept by session.js; every call sends it. A 401 answer
// calls the handler set with onUnauthorized (the session ends and the login page opens).
let bearer = ''
let unauthorizedHandler = null
export function setToken(token) {
  bearer = token || ''
}
export function onUnauthorized(handler) {
  unauthorizedHandler = handler
}

// One call to path (relative to /api/v1). options: method (GET), params (query), body (a value sent
// as JSON, or a Blob/File/FormData sent as is), headers, signal (cancels it), fetchImpl (tests).
export async function request(path, { method = 'GET', params, body, headers, signal, fetchImpl } = {}) {
  const doFetch = fetchImpl ?? globalThis.fetch
  const init = { method, headers: { Accept: 'application/json, application/geo+json', ...(headers ?? {}) }, signal }
  if (bearer) init.headers.Authorization = `Bearer ${bearer}`
  if (body !== undefined) {
    const raw = typeof Blob !== 'undefined' && (body instanceof Blob || body instanceof FormData)
    init.body = raw ? body : JSON.stringify(body)
    if (!raw) init.headers['Content-Type'] = 'application/json'
  }
  let response
  try {
    response = await doFetch(buildUrl(path, params), init)
  } catch (err) {
    if (isAbort(err)) throw err
    throw new ApiError({ code: 'network', message: err?.message ?? '' })
  }
  let parsed
  let text = ''
  try {
    text = await response.text()
    parsed = text ? JSON.parse(text) : undefined
  } catch (err) {
    if (isAbort(err)) throw err
    parsed = undefined
  }
  if (!response.ok) {
    const e = parsed && typeof parsed === 'object' ? parsed.error : undefined
    let error
    if (e && typeof e === 'object' && typeof e.code === 'string') {
      error = new ApiError({
        status: response.status,
        code: e.code,
        message: typeof e.message === 'string' ? e.message : '',
        field: typeof e.field === 'string' ? e.field : '',
      })
      if (Array.isArray(e.allowed_actions)) error.allowedActions = e.allowed_actions
    } else {
      error = new ApiError({ status: response.status, code: 'http', message: text.slice(0, 200) })
    }
    const retry = Number(response.headers?.get?.('Retry-After'))
    if (retry > 0) error.retryAfter = retry
    if (response.status === 401 && bearer && unauthorizedHandler) unauthorizedHandler(error)
    throw error
  }
  if (parsed === undefined) throw new ApiError({ status: response.status, code: 'bad_response' })
  return parsed
}

const enc = encodeURIComponent
const post = (path, body, options) => request(path, { ...options, method: 'POST', body: body ?? {} })
const put = (path, body, options) => request(path, { ...options, method: 'PUT', body })

export const api = {
  // --- territory (public) ---
  // {code,name,level,parent,path:[self..province],children:[{code,name,level,grids}],grids}
  division: (code, options) => request(`/divisions/${enc(code)}`, options),
  // FeatureCollection of one level in a bbox [minLon,minLat,maxLon,maxLat], plus "truncated".
  grids: ({ bbox, level, limit }, options) =>
    request('/grids', { ...options, params: { bbox: bbox.join(','), level, limit } }),
  // A grid's Feature; properties.path lists it and its ancestors.
  grid: (code, options) => request(`/grids/${enc(code)}`, options),
  // {inside,distance_m,wgs84,grid,community,street,county,city,province}
  locate: ({ lon, lat, crs = 'wgs84' }, options) => request('/locate', { ...options, params: { lon, lat, crs } }),
  // Imports a GeoJSON FeatureCollection of grids (all or nothing): {grids, shapes}.
  importGrids: (geojson, options) =>
    request('/grids/import', { ...options, method: 'POST', body: new Blob([geojson], { type: 'application/geo+json' }) }),

  // --- signing in ---
  login: (username, password, options) => post('/auth/login', { username, password }, options),
  logout: (options) => post('/auth/logout', {}, options),
  me: (options) => request('/auth/me', options),

  // --- cases ---
  // {cases:[…], next}; filter: status (array or comma list), category, unit, under, channel, overdue,
  // warning, extension_pending, from, to, q, before, limit.
  cases: (filter, options) => {
    const params = { ...(filter ?? {}) }
    if (Array.isArray(params.status)) params.status = params.status.join(',')
    return request('/cases', { ...options, params })
  },
  // How many cases in the caller's scope match the list's filter: {count}.
  count: (filter, options) => {
    const params = { ...(filter ?? {}) }
    if (Array.isArray(params.status)) params.status = params.status.join(',')
    return request('/cases/count', { ...options, params })
  },
  case: (id, options) => request(`/cases/${enc(id)}`, options),
  report: (input, options) => post('/cases', input, options),
  act: (id, input, options) => post(`/cases/${enc(id)}/actions`, input, options),
  routing: (id, options) => request(`/cases/${enc(id)}/routing`, options),
  reveal: (id, reason, options) => post(`/cases/${enc(id)}/reveal`, { reason }, options),
  stats: (params, options) => request('/stats', { ...options, params }),
  // How routing would choose a unit for a category at a division or grid code.
  explainRouting: (category, territory, options) => request('/routing', { ...options, params: { category, territory } }),

  // --- the public resident page (no account) ---
  // {tracking_code,status,grid,territory}
  publicReport: (input, options) => post('/public/reports', input, options),
  publicUpload: (file, options) => request('/public/attachments', { ...options, method: 'POST', body: file }),
  track: (code, options) => request(`/track/${enc(code)}`, options),
  rate: (code, evaluation, note, options) => post(`/track/${enc(code)}/evaluation`, { evaluation, note }, options),

  // --- attachments ---
  upload: (file, options) => request('/attachments', { ...options, method: 'POST', body: file }),
  // An object URL of an attachment for <img src> (attachments need the bearer token, which an <img>
  // cannot send). Revoke it with URL.revokeObjectURL when the image goes away.
  attachmentObjectUrl: async (id, { signal, fetchImpl } = {}) => {
    const doFetch = fetchImpl ?? globalThis.fetch
    let response
    try {
      response = await doFetch(`${API_BASE}/attachments/${enc(id)}`, {
        headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
        signal,
      })
    } catch (err) {
      if (isAbort(err)) throw err
      throw new ApiError({ code: 'network', message: err?.message ?? '' })
    }
    if (!response.ok) throw new ApiError({ status: response.status, code: response.status === 404 ? 'not_found' : 'http' })
    return URL.createObjectURL(await response.blob())
  },

  // --- reference data ---
  units: (params, options) => request('/units', { ...options, params }),
  addUnit: (unit, options) => post('/units', unit, options),
  updateUnit: (id, unit, options) => put(`/units/${enc(id)}`, unit, options),
  categories: (options) => request('/categories', options),
  addCategory: (category, options) => post('/categories', category, options),
  updateCategory: (code, category, options) => put(`/categories/${enc(code)}`, category, options),
  rules: (params, options) => request('/routing-rules', { ...options, params }),
  addRule: (rule, options) => post('/routing-rules', rule, options),
  updateRule: (id, rule, options) => put(`/routing-rules/${enc(id)}`, rule, options),
  deleteRule: (id, options) => request(`/routing-rules/${enc(id)}`, { ...options, method: 'DELETE' }),
  calendars: (options) => request('/calendars', options),
  calendar: (id, options) => request(`/calendars/${enc(id)}`, options),
  updateCalendar: (id, calendar, options) => put(`/calendars/${enc(id)}`, calendar, options),

  // --- users (account.admin) ---
  users: (options) => request('/users', options),
  addUser: (user, options) => post('/users', user, options),
  disableUser: (username, options) => post(`/users/${enc(username)}/disable`, {}, options),
}

// The WebSocket address of the live feed under a division, carrying the token (browsers cannot set
// headers on an upgrade).
export function liveUrl(under) {
  const proto = globalThis.location?.protocol === 'https:' ? 'wss:' : 'ws:'
  const host = globalThis.location?.host ?? '127.0.0.1:8080'
  const query = new URLSearchParams()
  if (under) query.set('under', under)
  if (bearer) query.set('access_token', bearer)
  return `${proto}//${host}${API_BASE}/live?${query}`
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
    const translated = t(key, { status: err.status, seconds: err.retryAfter ?? '?' })
    headline = translated !== key ? translated : t('errors.http', { status: err.status || '?' })
  }
  // The server's own message is specific (e.g. which character is wrong); add it as detail for
  // request errors, where it helps the user fix the input.
  const showDetail = err.detail && ['invalid_argument', 'failed_precondition'].includes(err.code)
  return showDetail ? t('errors.withDetail', { headline, detail: err.detail }) : headline
}
