// Pure helpers of the big screen (no Vue, no DOM): report days, the stats queries, chart series,
// the unit ranking, the map's colour classes and drill levels, ticker items. Tested in
// tests/screen-data.test.js.
import { CODE_LENGTHS, levelOfCode } from '../../levels.js'

// The server counts report days at UTC+8 (docs/workflow.md, "How they are kept"), so "today" is the
// day there, whatever the browser's zone.
export const STATS_OFFSET_MINUTES = 480
const DAY_MS = 86400000

// 'YYYY-MM-DD' of the report day of the instant `ms`.
export function reportDay(ms = Date.now()) {
  return new Date(ms + STATS_OFFSET_MINUTES * 60000).toISOString().slice(0, 10)
}

// The day `days` after (before, if negative) the day 'YYYY-MM-DD'.
export function addDays(day, days) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

// Every day from `from` to `to`, both included.
export function daysBetween(from, to) {
  const out = []
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d)
  return out
}

export const TREND_DAYS = 30

// The date ranges the screen asks for, at the instant `ms`.
export function screenRanges(ms = Date.now()) {
  const today = reportDay(ms)
  return {
    today: { from: today, to: today },
    month: { from: `${today.slice(0, 8)}01`, to: today },
    recent: { from: addDays(today, -(TREND_DAYS - 1)), to: today },
  }
}

// Plain, locale-independent order of two texts (Intl collation is slow and not needed for ties).
export function compareText(a, b) {
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

// The stats query of one panel: `under` left out when it is empty (everything in scope).
export function statsParams(under, range, by) {
  const params = {}
  if (under) params.under = under
  if (range) Object.assign(params, range)
  if (by) params.by = by
  return params
}

// The counts of one report day from a by=day answer (the same figures as a query of that day alone;
// a day without cases is all zeros).
export const COUNT_NAMES = [
  'reported', 'accepted', 'dispatched', 'returned', 'resolved', 'resolved_on_time', 'overdue', 'suspended', 'due',
  'closed', 'closed_on_time', 'self_handled', 'reworked', 'extended', 'escalated', 'evaluated', 'satisfied',
  'basically_satisfied', 'unsatisfied', 'rejected', 'merged', 'open',
]
export function dayStats(byDay, day) {
  const group = (byDay?.groups ?? []).find((g) => g.key === day)
  return { counts: group?.counts ?? Object.fromEntries(COUNT_NAMES.map((name) => [name, 0])) }
}

// A count for display: a number, or null when unknown.
export function countOf(stats, name) {
  const v = stats?.counts?.[name]
  return typeof v === 'number' ? v : null
}

// A count for people: "12,345" (thousands grouped with a comma, as zh-CN and English both write
// them), "12345" without grouping; a fraction is rounded; anything else is shown as given.
export function formatCount(value, { grouping = true } = {}) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value ?? '')
  const text = String(Math.round(Math.abs(value)))
  const grouped = grouping ? text.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : text
  return value < 0 && Math.round(value) !== 0 ? `-${grouped}` : grouped
}

// A rate as a percentage text ("95.9%"), or "—" when it is null (no denominator) or unknown.
export function percentText(rate, digits = 1) {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return '—'
  const pct = rate * 100
  return `${pct.toFixed(pct === 100 || pct === 0 ? 0 : digits)}%`
}

// ---- charts -------------------------------------------------------------------------------------

// The 30-day trend: one point per day (days without cases are 0; the server leaves them out).
export function trendSeries(stats, range) {
  const byDay = new Map((stats?.groups ?? []).map((g) => [g.key, g.counts ?? {}]))
  const days = daysBetween(range.from, range.to)
  return {
    days,
    reported: days.map((d) => byDay.get(d)?.reported ?? 0),
    closed: days.map((d) => byDay.get(d)?.closed ?? 0),
  }
}

// The largest `top` groups by `count` (ties by key), and the rest summed as one "other" entry
// ({key: null}) when there is a rest. Groups with a zero count are left out.
export function topWithOther(groups, { top = 8, count = 'reported' } = {}) {
  const items = (groups ?? [])
    .map((g) => ({ key: g.key, name: g.name, value: g.counts?.[count] ?? 0 }))
    .filter((g) => g.value > 0)
    .sort((a, b) => b.value - a.value || compareText(a.key, b.key))
  const head = items.slice(0, top)
  const rest = items.slice(top)
  if (rest.length) head.push({ key: null, name: '', value: rest.reduce((s, g) => s + g.value, 0), others: rest.length })
  return head
}

// Units ranked for the leaders: those with cases due (so the rates exist), by on-time rate, then
// completion rate, then how many cases were due; never-dispatched cases (key "0") are not a unit.
export function rankUnits(groups, top = 10) {
  const rate = (v) => (typeof v === 'number' ? v : -1)
  return (groups ?? [])
    .filter((g) => g.key !== '0' && g.key !== '' && typeof g.rates?.on_time_rate === 'number')
    .map((g) => ({
      key: g.key,
      name: g.name,
      onTime: g.rates.on_time_rate,
      completion: g.rates.completion_rate,
      due: (g.counts?.due ?? 0) - (g.counts?.suspended ?? 0),
      reported: g.counts?.reported ?? 0,
    }))
    .sort(
      (a, b) =>
        rate(b.onTime) - rate(a.onTime) ||
        rate(b.completion) - rate(a.completion) ||
        b.due - a.due ||
        compareText(a.name, b.name),
    )
    .slice(0, top)
}

// ---- the map ------------------------------------------------------------------------------------

// The level drawn inside a division: its children's (a city or province shows its counties; the
// whole scope — no code — too). A grid has no children: it is drawn itself.
export function childLevel(code) {
  const level = code ? levelOfCode(code) : 'province'
  switch (level) {
    case 'province':
    case 'city':
      return 'county'
    case 'county':
      return 'street'
    case 'street':
      return 'community'
    case 'community':
    case 'grid':
      return 'grid'
    default:
      return null
  }
}

// The stats grouping that gives the counts of `level` (the server groups by street at the coarsest;
// counties are summed from their streets).
export function statsGroupFor(level) {
  return level === 'county' ? 'street' : level
}

// Open (and other) counts per division code of `level`, from the groups of statsGroupFor(level):
// groups of finer codes are summed under their prefix. Groups without a code (cases located only by
// an address) are left out.
export function countsByCode(groups, level) {
  const len = CODE_LENGTHS[level]
  const out = new Map()
  for (const g of groups ?? []) {
    const key = String(g.key ?? '')
    if (!len || key.length < len) continue
    const code = key.slice(0, len)
    const acc = out.get(code) ?? { open: 0, reported: 0, closed: 0, overdue: 0 }
    for (const name of Object.keys(acc)) acc[name] += g.counts?.[name] ?? 0
    out.set(code, acc)
  }
  return out
}

// Colour classes for open cases: class 0 is "none"; then four classes of equal, round width up to
// the largest value. Answers {breaks: [upper bounds of classes 1..n], classOf(v)}.
export const OPEN_COLOURS = ['#16324f', '#0f766e', '#14b8a6', '#f59e0b', '#ef4444']

export function niceStep(value) {
  if (value <= 1) return 1
  const exp = 10 ** Math.floor(Math.log10(value))
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * exp >= value) return Number.isInteger(m * exp) ? m * exp : Math.ceil(m * exp)
  }
  return 10 * exp
}

export function openClasses(values) {
  const max = Math.max(0, ...[...values].filter((v) => Number.isFinite(v)))
  const classes = OPEN_COLOURS.length - 1
  const step = niceStep(max / classes)
  const breaks = Array.from({ length: classes }, (_, i) => step * (i + 1))
  return {
    max,
    breaks,
    classOf(v) {
      if (!v || v <= 0) return 0
      for (let i = 0; i < breaks.length; i++) if (v <= breaks[i]) return i + 1
      return classes
    },
  }
}

// Legend rows: [{colour, from, to}] (from/to null for the "none" row).
export function legendRows(classes) {
  const rows = [{ colour: OPEN_COLOURS[0], from: 0, to: 0 }]
  let lower = 1
  for (let i = 0; i < classes.breaks.length; i++) {
    const upper = classes.breaks[i]
    if (lower > classes.max) break
    rows.push({ colour: OPEN_COLOURS[i + 1], from: lower, to: upper })
    lower = upper + 1
  }
  return rows
}

// The intersection of two [minLon, minLat, maxLon, maxLat] boxes, or null when they do not meet.
export function intersectBbox(a, b) {
  const out = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]
  return out[0] <= out[2] && out[1] <= out[3] ? out : null
}

// [minLon, minLat, maxLon, maxLat] of a GeoJSON Polygon or MultiPolygon (outer rings), or null.
export function geometryBbox(geometry) {
  const polygons =
    geometry?.type === 'Polygon' ? [geometry.coordinates] : geometry?.type === 'MultiPolygon' ? geometry.coordinates : []
  let box = null
  for (const polygon of polygons) {
    for (const [x, y] of polygon?.[0] ?? []) {
      if (!box) box = [x, y, x, y]
      else {
        if (x < box[0]) box[0] = x
        if (y < box[1]) box[1] = y
        if (x > box[2]) box[2] = x
        if (y > box[3]) box[3] = y
      }
    }
  }
  return box
}

// The box grown by `factor` of its size on every side.
export function growBbox(b, factor) {
  const dx = (b[2] - b[0]) * factor
  const dy = (b[3] - b[1]) * factor
  return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
}

// Whether box a holds box b.
export function bboxContains(a, b) {
  return a[0] <= b[0] && a[1] <= b[1] && a[2] >= b[2] && a[3] >= b[3]
}

// ---- the ticker ---------------------------------------------------------------------------------

// A ticker item from a live message (docs/api.md "Live feed"), or null for anything else.
export function tickerItemOf(message) {
  if (message?.type !== 'case_event' || !message.case || !message.event) return null
  const c = message.case
  const e = message.event
  const loc = Array.isArray(c.location) && c.location.length === 2 ? c.location.map(Number) : null
  return {
    key: `${c.id}:${e.seq}`,
    id: c.id,
    at: e.at,
    action: e.action,
    status: e.to ?? c.status,
    category: c.category ?? null,
    place: c.grid || c.territory || '',
    location: loc && loc.every(Number.isFinite) ? { lon: loc[0], lat: loc[1] } : null,
    live: true,
  }
}

// A ticker item from a case of the list (the latest reports, shown before live events arrive).
export function tickerItemOfCase(c) {
  return {
    key: `${c.id}:case`,
    id: c.id,
    at: c.reported_at,
    action: 'report',
    status: c.status,
    category: c.category ?? null,
    categoryName: c.category_name ?? null,
    place: c.grid || c.territory || '',
    location: c.location ? { lon: c.location.lon, lat: c.location.lat } : null,
    live: false,
  }
}

// Adds an item on top, drops a duplicate of it, keeps at most `limit`.
export function pushTicker(items, item, limit = 40) {
  const rest = items.filter((i) => i.key !== item.key)
  return [item, ...rest].slice(0, limit)
}

// The place label of a division from its path ([self … province], as /divisions/{code} answers):
// the names below `root`, keeping the street (if below root) and the deepest division.
export function placeLabel(path, root = '') {
  const below = (path ?? []).filter((p) => String(p.code).length > root.length && String(p.code).startsWith(root))
  if (!below.length) return path?.[0]?.name ?? ''
  const deepest = below[0]
  const street = below.find((p) => p.level === 'street')
  return street && street.code !== deepest.code ? `${street.name} ${deepest.name}` : deepest.name
}
