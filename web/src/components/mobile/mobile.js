// Pure helpers of the phone pages (resident report/track, grid worker): tracking codes, phone
// numbers, distances, the category tree, recently tracked codes and the photos of a case. No Vue,
// no DOM: tests/mobile.test.js runs them under node.

// ---- tracking codes -------------------------------------------------------------------------------

// Crockford base32, as the server draws tracking codes: 12 characters in groups of four.
export const TRACKING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const CROCKFORD_ALIASES = { O: '0', I: '1', L: '1' }

// What a resident typed → {ok: true, code: 'XXXX-XXXX-XXXX'} or {ok: false, reason}, reason being
// 'empty', 'chars' (a character no code holds) or 'length' (not 12 characters). Lower case, spaces,
// dashes and other separators are accepted, and O/I/L are read as 0/1/1 (Crockford's rule).
export function normaliseTrackingCode(input) {
  const raw = String(input ?? '')
    .toUpperCase()
    .replace(/[\s\-_.·—–/]+/g, '')
  if (!raw) return { ok: false, reason: 'empty' }
  let chars = ''
  for (const ch of raw) {
    const c = CROCKFORD_ALIASES[ch] ?? ch
    if (!TRACKING_ALPHABET.includes(c)) return { ok: false, reason: 'chars' }
    chars += c
  }
  if (chars.length !== 12) return { ok: false, reason: 'length', length: chars.length }
  return { ok: true, code: `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}` }
}

// ---- text -----------------------------------------------------------------------------------------

// A Chinese mobile or landline number, loosely: digits, spaces, dashes, +, parentheses; 5–20 digits.
export function plausiblePhone(text) {
  const s = String(text ?? '').trim()
  if (!s) return true
  if (!/^[\d\s\-+()]+$/.test(s)) return false
  const digits = s.replace(/\D/g, '').length
  return digits >= 5 && digits <= 20
}

// ---- places ---------------------------------------------------------------------------------------

// The server takes a point at most this far outside every grid (and gives it to the nearest one).
export const MAX_OUTSIDE_M = 500

// Great-circle distance in metres between two {lon, lat} points.
export function distanceMeters(a, b) {
  if (!a || !b) return NaN
  const R = 6371008.8
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)))
}

// {key, params} of a distance for t(): metres below 1 km, else kilometres with one decimal.
export function distanceMessage(metres) {
  const m = Math.max(0, Number(metres) || 0)
  if (m < 1000) return { key: 'units.meters', params: { n: Math.round(m) } }
  return { key: 'units.kilometers', params: { n: Math.round(m / 100) / 10 } }
}

// What a /locate answer means for a report: 'inside' a grid, 'near' one (outside, within the
// server's 500 m: the case goes to the nearest grid), or 'outside' (the server would refuse it).
export function placeVerdict(result) {
  if (!result || !result.grid) return 'outside'
  if (result.inside) return 'inside'
  return Number(result.distance_m) <= MAX_OUTSIDE_M ? 'near' : 'outside'
}

// The names of a /locate answer from the grid up to the street, for a one-line label.
export function placeNames(result) {
  return ['grid', 'community', 'street'].map((level) => result?.[level]?.name).filter(Boolean)
}

// Rounds a coordinate to 6 decimals (about 0.1 m), as the map does.
export function roundCoord(value) {
  return Math.round(Number(value) * 1e6) / 1e6
}

// ---- categories -----------------------------------------------------------------------------------

// The active categories as majors (in code order), each with its active minors (in code order).
export function categoryTree(categories) {
  const active = (categories ?? []).filter((c) => c && c.active !== false && c.code)
  const majors = active
    .filter((c) => !c.parent)
    .sort((a, b) => String(a.code).localeCompare(String(b.code)))
    .map((c) => ({ code: c.code, name: c.name, minors: [] }))
  const byCode = new Map(majors.map((m) => [m.code, m]))
  for (const c of active) {
    if (!c.parent) continue
    byCode.get(c.parent)?.minors.push({ code: c.code, name: c.name, parent: c.parent })
  }
  for (const m of majors) m.minors.sort((a, b) => String(a.code).localeCompare(String(b.code)))
  return majors
}

// The major code of a category code ('0101' → '01', '01' → '01', '' → '').
export function majorOf(code) {
  return code ? String(code).slice(0, 2) : ''
}

// ---- recently tracked codes -----------------------------------------------------------------------

export const RECENT_KEY = 'civicgrid.recentTracking'
export const RECENT_MAX = 8

// The remembered codes, newest first: [{code, status, evaluation, at}]. storage: a Web Storage (or
// null). The evaluation is the one given in this browser (the tracking view does not say it).
export function loadRecent(storage) {
  try {
    const list = JSON.parse(storage?.getItem(RECENT_KEY) ?? '[]')
    if (!Array.isArray(list)) return []
    return list
      .filter((e) => e && typeof e.code === 'string' && normaliseTrackingCode(e.code).ok)
      .map((e) => ({
        code: e.code,
        status: typeof e.status === 'string' ? e.status : '',
        evaluation: typeof e.evaluation === 'string' ? e.evaluation : '',
        at: typeof e.at === 'string' ? e.at : '',
      }))
      .slice(0, RECENT_MAX)
  } catch {
    return []
  }
}

// Remembers a code (moved to the front, with its last seen state and, once given, the evaluation)
// and answers the new list.
export function rememberCode(storage, code, { status = '', evaluation = '' } = {}, now = new Date()) {
  const before = loadRecent(storage)
  const kept = before.find((e) => e.code === code)
  const list = before.filter((e) => e.code !== code)
  list.unshift({ code, status, evaluation: evaluation || kept?.evaluation || '', at: now.toISOString() })
  const bounded = list.slice(0, RECENT_MAX)
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(bounded))
  } catch {
    // storage full or unavailable: the list lives for this page only
  }
  return bounded
}

// The evaluation given in this browser for a code, or ''.
export function rememberedEvaluation(storage, code) {
  return loadRecent(storage).find((e) => e.code === code)?.evaluation ?? ''
}

export function forgetCode(storage, code) {
  const kept = loadRecent(storage).filter((e) => e.code !== code)
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(kept))
  } catch {
    // ignore
  }
  return kept
}

// ---- cases ----------------------------------------------------------------------------------------

// Every photo of a case view: the report's, then each event's, once each, with the action that
// added it: [{id, action, at}].
export function casePhotos(caseView) {
  const seen = new Set()
  const out = []
  const add = (id, action, at) => {
    if (typeof id !== 'string' || !id || seen.has(id)) return
    seen.add(id)
    out.push({ id, action, at })
  }
  for (const id of caseView?.attachments ?? []) add(id, 'report', caseView.reported_at)
  for (const e of caseView?.timeline ?? []) for (const id of e.attachments ?? []) add(id, e.action, e.at)
  return out
}

// The span since an ISO time as {days, hours, minutes} (null if unreadable), for "3 天前".
export function ageOf(iso, now = Date.now()) {
  const ms = now - Date.parse(iso ?? '')
  if (Number.isNaN(ms)) return null
  let minutes = Math.max(0, Math.floor(ms / 60000))
  const days = Math.floor(minutes / 1440)
  minutes -= days * 1440
  const hours = Math.floor(minutes / 60)
  minutes -= hours * 60
  return { overdue: false, days, hours, minutes }
}

// A fresh Idempotency-Key for one report (a retry of the same form sends the same key).
export function newIdempotencyKey(prefix = 'web') {
  const rnd = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
  return `${prefix}-${rnd}`
}

// The map's start from an address parameter "LON,LAT[,ZOOM]": {center: [lat, lon], zoom}, or null
// when absent or malformed (longitude 73–136, latitude 3–54: China; zoom 5–19, default 17).
export function parseAt(text) {
  if (typeof text !== 'string' || !text) return null
  const [lon, lat, zoom] = text.split(',').map(Number)
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < 73 || lon > 136 || lat < 3 || lat > 54) return null
  const z = Number.isFinite(zoom) ? Math.min(19, Math.max(5, Math.round(zoom))) : 17
  return { center: [lat, lon], zoom: z }
}
