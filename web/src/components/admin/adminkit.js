// Pure logic of the administration screens (no Vue, no network): which sections a user sees, where
// the territory tree starts, the grid-import preview and error reading, grants, categories and
// calendars. Tested by tests/admin*.test.js.
import { parseGrant } from '../../session.js'
import { parseDivisionCode } from '../../levels.js'

// The sections of /admin/:section, in menu order. `need`: the permission without which the section
// is hidden; `write`: the permission that allows changes (without it the section is read-only).
export const SECTIONS = [
  { key: 'territory', need: null, write: null },
  { key: 'import', need: 'reference.write', write: 'reference.write' },
  { key: 'categories', need: null, write: 'reference.write' },
  { key: 'rules', need: null, write: 'reference.write' },
  { key: 'calendars', need: null, write: 'reference.write' },
  { key: 'units', need: null, write: 'reference.write' },
  { key: 'users', need: 'account.admin', write: 'account.admin' },
]

const hasPermission = (user, permission) => (user?.permissions ?? []).includes(permission)

export function sectionsFor(user) {
  return SECTIONS.filter((s) => !s.need || hasPermission(user, s.need))
}

// The section to show for an address: the one named if the user may open it, else the first.
export function pickSection(user, requested) {
  const visible = sectionsFor(user)
  return visible.find((s) => s.key === requested)?.key ?? visible[0]?.key ?? ''
}

export function mayWrite(user, sectionKey) {
  const s = SECTIONS.find((x) => x.key === sectionKey)
  return Boolean(s && (!s.write || hasPermission(user, s.write)))
}

export const PROVINCE_ROOT = '37'

// Where the territory tree starts: the division codes of the user's grants, without those inside
// another one; an admin everywhere (admin@) or a user bound to no division starts at the province.
export function rootTerritories(user) {
  const grants = (user?.grants ?? []).map(parseGrant)
  if (grants.some((g) => g.role === 'admin' && !g.territory)) return [PROVINCE_ROOT]
  const codes = [...new Set(grants.map((g) => g.territory).filter(Boolean))].sort()
  const roots = codes.filter((c) => !codes.some((o) => o !== c && c.startsWith(o)))
  return roots.length ? roots : [PROVINCE_ROOT]
}

// --- grid import ---

// What a pasted or chosen GeoJSON holds, before it is sent: {ok, features, codes, communities} or
// {ok:false, problem, detail}. The server checks everything again; this only previews.
export function previewGeojson(text) {
  const source = String(text ?? '').trim()
  if (!source) return { ok: false, problem: 'empty' }
  let doc
  try {
    doc = JSON.parse(source)
  } catch (err) {
    return { ok: false, problem: 'notJson', detail: err?.message ?? '' }
  }
  if (!doc || typeof doc !== 'object' || doc.type !== 'FeatureCollection') return { ok: false, problem: 'notCollection' }
  if (!Array.isArray(doc.features)) return { ok: false, problem: 'noFeatures' }
  const codes = []
  let missing = 0
  for (const f of doc.features) {
    const code = f?.properties?.code
    if (typeof code === 'string' && code) codes.push(code)
    else missing += 1
  }
  const communities = [...new Set(codes.map((c) => c.slice(0, 12)))].sort()
  return { ok: true, features: doc.features.length, codes, missing, communities }
}

// The server names the feature at fault at the start of its message: "feature 3 (code 3713…): a ring
// is not closed …". Answers {feature, code, reason}; feature is null when the message names none.
export function parseImportMessage(message) {
  const text = String(message ?? '')
  const m = /^feature (\d+)(?: \(code ([^)]*)\))?: ([\s\S]*)$/.exec(text)
  if (!m) return { feature: null, code: '', reason: text }
  return { feature: Number(m[1]), code: m[2] ?? '', reason: m[3] }
}

// --- grants ---

export const ROLES = ['operator', 'grid_worker', 'unit_staff', 'leader', 'admin', 'resident']

// What scope a role's grant takes: a division code, a unit id, or none.
export function scopeKind(role) {
  if (role === 'resident') return 'none'
  if (role === 'unit_staff') return 'unit'
  return 'division'
}

// One grant as text from the editor's row {role, scope}: {ok, grant} or {ok:false, reason}.
// An admin with an empty scope is an admin everywhere ("admin@").
export function grantFromRow(row) {
  const role = String(row?.role ?? '')
  const scope = String(row?.scope ?? '').replace(/\s+/g, '')
  if (!ROLES.includes(role)) return { ok: false, reason: 'role' }
  const kind = scopeKind(role)
  if (kind === 'none') return { ok: true, grant: role }
  if (kind === 'unit') {
    if (!/^[1-9]\d*$/.test(scope)) return { ok: false, reason: 'unit' }
    return { ok: true, grant: `${role}#${scope}` }
  }
  if (!scope) return role === 'admin' ? { ok: true, grant: 'admin@' } : { ok: false, reason: 'division' }
  const parsed = parseDivisionCode(scope)
  if (!parsed.ok) return { ok: false, reason: 'division' }
  return { ok: true, grant: `${role}@${parsed.code}` }
}

// The editor's row of a grant text.
export function rowFromGrant(text) {
  const g = parseGrant(text)
  return { role: g.role, scope: g.unit ? String(g.unit) : g.territory }
}

// Every grant of the editor, or the index and reason of the first bad row. Duplicates collapse.
export function grantsFromRows(rows) {
  const grants = []
  for (let i = 0; i < (rows ?? []).length; i++) {
    const r = grantFromRow(rows[i])
    if (!r.ok) return { ok: false, index: i, reason: r.reason }
    if (!grants.includes(r.grant)) grants.push(r.grant)
  }
  if (!grants.length) return { ok: false, index: -1, reason: 'none' }
  return { ok: true, grants }
}

// --- categories ---

export const PRIORITIES = ['normal', 'high', 'urgent']
export const CATEGORY_LEVELS = ['grid', 'community', 'street', 'county']
export const LIMIT_KINDS = ['urgent_hours', 'working_hours', 'working_days', 'natural_days']
export const LIMIT_STAGES = ['acknowledge', 'handle', 'verify']

// Majors with their minors as children (for a tree table), in code order. A minor whose major is
// missing is shown at the top level.
export function categoryTree(categories) {
  const list = [...(categories ?? [])].sort((a, b) => a.code.localeCompare(b.code))
  const majors = new Map()
  const out = []
  for (const c of list) {
    if (!c.parent) {
      const node = { ...c, children: [] }
      majors.set(c.code, node)
      out.push(node)
    }
  }
  for (const c of list) {
    if (!c.parent) continue
    const major = majors.get(c.parent)
    if (major) major.children.push({ ...c })
    else out.push({ ...c })
  }
  for (const node of out) if (node.children && !node.children.length) delete node.children
  return out
}

// The limits a new major category starts with (the usual ones of the catalogue).
export const DEFAULT_LIMITS = {
  acknowledge: { kind: 'working_hours', amount: 4 },
  handle: { kind: 'working_days', amount: 3 },
  verify: { kind: 'working_days', amount: 1 },
}

// The form of a new category (a minor of `parent` when given, starting from its major's limits) or
// of an existing one. The dialog does not edit a category's description, keywords and attributes (its
// extra questions); the form carries them so that saving it keeps them.
export function categoryForm(category, parent = null) {
  const base = category ?? parent
  const limits = {}
  for (const stage of LIMIT_STAGES) {
    const l = base?.limits?.[stage] ?? DEFAULT_LIMITS[stage]
    limits[stage] = { kind: l.kind, amount: l.amount }
  }
  return {
    code: category?.code ?? (parent ? parent.code : ''),
    name: category?.name ?? '',
    parent: category ? category.parent ?? '' : parent?.code ?? '',
    priority: base?.priority ?? 'normal',
    level: base?.level ?? 'street',
    active: category?.active ?? true,
    limits,
    description: category?.description ?? '',
    keywords: [...(category?.keywords ?? [])],
    attributes: JSON.parse(JSON.stringify(category?.attributes ?? [])), // a deep copy, of a reactive one too
  }
}

// The body of POST /categories (with the code) or PUT /categories/{code} (without).
export function categoryBody(form, { withCode }) {
  const body = {
    name: String(form.name ?? '').trim(),
    priority: form.priority,
    level: form.level,
    active: Boolean(form.active),
    limits: Object.fromEntries(
      LIMIT_STAGES.map((s) => [s, { kind: form.limits[s].kind, amount: Number(form.limits[s].amount) }]),
    ),
  }
  if (form.parent) body.parent = form.parent
  if (withCode) body.code = String(form.code ?? '').trim()
  // Left out, the server would clear them.
  if (form.description) body.description = form.description
  if (form.keywords?.length) body.keywords = form.keywords
  if (form.attributes?.length) body.attributes = form.attributes
  return body
}

// --- calendars ---

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

// "YYYY-MM-DD" of a Date, in its local time.
export function isoDay(date) {
  const d = date instanceof Date ? date : new Date(date)
  const pad = (v) => String(v).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

// The weekday name of a "YYYY-MM-DD" day (computed in UTC, so independent of the browser's zone).
export function weekdayOf(day) {
  const [y, m, d] = day.split('-').map(Number)
  const js = new Date(Date.UTC(y, m - 1, d)).getUTCDay() // 0 = Sunday
  return WEEKDAYS[(js + 6) % 7]
}

// Whether a day is a working day by the weekly rule alone.
export function workingByWeekday(calendar, day) {
  return (calendar?.working_weekdays ?? []).includes(weekdayOf(day))
}

// {working, override} of a day: the override if the calendar has one, else the weekly rule.
export function dayStatus(calendar, day) {
  const override = (calendar?.overrides ?? []).find((o) => o.date === day) ?? null
  return { working: override ? override.working : workingByWeekday(calendar, day), override }
}

// The overrides with the day set (replacing any override of that date), in date order.
export function setOverride(overrides, { date, working, note }) {
  const rest = (overrides ?? []).filter((o) => o.date !== date)
  rest.push({ date, working: Boolean(working), note: String(note ?? '') })
  return rest.sort((a, b) => a.date.localeCompare(b.date))
}

export function removeOverride(overrides, date) {
  return (overrides ?? []).filter((o) => o.date !== date)
}

// The body of PUT /calendars/{id}: what GET answers, without the computed members.
export function calendarBody(calendar) {
  return {
    name: String(calendar.name ?? '').trim(),
    utc_offset_minutes: calendar.utc_offset_minutes ?? 480,
    working_weekdays: WEEKDAYS.filter((d) => (calendar.working_weekdays ?? []).includes(d)),
    office_hours: [...(calendar.office_hours ?? [])],
    overrides: [...(calendar.overrides ?? [])]
      .map((o) => ({ date: o.date, working: Boolean(o.working), note: o.note ?? '' }))
      .sort((a, b) => a.date.localeCompare(b.date)),
  }
}

// Office hours "08:00-12:00" ⇄ [start, end].
export function splitInterval(text) {
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(String(text ?? ''))
  return m ? [m[1], m[2]] : ['', '']
}

export function joinInterval(start, end) {
  return `${start ?? ''}-${end ?? ''}`
}

// Minutes of work per day of a list of intervals, or null if one is malformed.
export function officeMinutes(intervals) {
  let total = 0
  for (const text of intervals ?? []) {
    const [a, b] = splitInterval(text)
    if (!a || !b) return null
    const toMin = (s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3))
    total += toMin(b) - toMin(a)
  }
  return total
}

// The overrides that fall in one month ("YYYY-MM").
export function overridesInMonth(overrides, month) {
  return (overrides ?? []).filter((o) => o.date.startsWith(`${month}-`))
}

// --- routing ---

// The verdicts of GET /routing in reading order: the chosen rule, then the other candidates, then
// the rest, each group in id order.
export function orderVerdicts(verdicts, chosen) {
  const rank = (v) => (v.rule === chosen ? 0 : v.candidate ? 1 : 2)
  return [...(verdicts ?? [])].sort((a, b) => rank(a) - rank(b) || a.rule - b.rule)
}

// --- lists ---

// The rows of one page of a list.
export function pageOf(rows, page, size) {
  const start = (Math.max(1, page) - 1) * size
  return (rows ?? []).slice(start, start + size)
}

// Whether a text filter matches any of the values (case-insensitive, spaces ignored at the ends).
export function matchesText(query, ...values) {
  const q = String(query ?? '').trim().toLowerCase()
  if (!q) return true
  return values.some((v) => String(v ?? '').toLowerCase().includes(q))
}

// The error of a form field: the server's message when it names `field` among the form's fields.
// Answers {field, message} or null (then the error belongs to the form as a whole).
export function fieldError(err, fields) {
  const field = err?.field
  if (!field || !fields.includes(field)) return null
  return { field, message: err.detail || err.message || '' }
}
