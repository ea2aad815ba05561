// Pure helpers of the case screens: what an action dialog asks for and the request it sends, how
// event details, places, categories and deadlines read, and the workbench keyboard shortcuts.
// No Vue and no fetching here, so node:test covers them (tests/workbench*.test.js).
import { NOTE_REQUIRED, PHOTO_ACTIONS, timeLeft } from '../../cases.js'
import { characterCount, utf8Length } from '../../text.js'

export const PRIORITIES = ['normal', 'high', 'urgent']
export const EVALUATIONS = ['satisfied', 'basically_satisfied', 'unsatisfied']
export const CHANNELS = ['grid_worker', 'resident_app', 'hotline', 'open311', 'drone', 'iot', 'superior']
export const WORKING_KINDS = ['working_hours', 'working_days']
export const NATURAL_KINDS = ['urgent_hours', 'natural_days']

// A one-line excerpt of at most `max` characters (code points), with an ellipsis when cut.
export function excerpt(text, max = 60) {
  const flat = String(text ?? '').replace(/\s+/g, ' ').trim()
  const chars = [...flat]
  return chars.length <= max ? flat : chars.slice(0, max - 1).join('') + '…'
}

// ---- categories ------------------------------------------------------------------------------

// Majors (2 digits) with their minors (4 digits) as a tree for a cascader or grouped select:
// [{value, label, children:[{value, label}]}], in code order; inactive ones left out unless asked.
export function categoryTree(categories, { includeInactive = false } = {}) {
  const list = (categories ?? []).filter((c) => includeInactive || c.active !== false)
  const majors = list.filter((c) => !c.parent).sort((a, b) => a.code.localeCompare(b.code))
  return majors.map((m) => ({
    value: m.code,
    label: m.name,
    children: list
      .filter((c) => c.parent === m.code)
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((c) => ({ value: c.code, label: c.name })),
  }))
}

// "供热 / 暖气不热" for a minor, "供热" for a major, '' when unknown.
export function categoryPath(categories, code) {
  if (!code) return ''
  const byCode = new Map((categories ?? []).map((c) => [c.code, c]))
  const c = byCode.get(code)
  if (!c) return ''
  const major = c.parent ? byCode.get(c.parent) : null
  return major ? `${major.name} / ${c.name}` : c.name
}

// The extension kinds a case's handle clock accepts: the measure of its category's handle limit
// (working time or natural time). Both measures when the category is unknown.
export function extensionKindsFor(categories, code) {
  const byCode = new Map((categories ?? []).map((c) => [c.code, c]))
  const kind = byCode.get(code)?.limits?.handle?.kind
  if (!kind) return [...WORKING_KINDS, ...NATURAL_KINDS]
  return WORKING_KINDS.includes(kind) ? WORKING_KINDS : NATURAL_KINDS
}

// ---- the action dialog -----------------------------------------------------------------------

// What the dialog of `action` asks for. The note is offered for every action (required for some).
export function fieldsFor(action) {
  const f = new Set(['note'])
  if (action === 'classify' || action === 'dispatch') f.add('category').add('priority')
  if (action === 'dispatch') f.add('unit')
  if (action === 'merge') f.add('duplicate')
  if (action === 'callback') f.add('evaluation')
  if (action === 'request_extension') f.add('extension')
  if (PHOTO_ACTIONS.has(action)) f.add('photos')
  return f
}

export function emptyActionForm(caseView) {
  return {
    note: '',
    category: caseView?.category ?? '',
    priority: caseView?.priority ?? 'normal',
    unitMode: 'auto', // 'auto': by the routing rules; 'manual': `unit` (+ coUnits)
    unit: null,
    coUnits: [],
    duplicateOf: null,
    evaluation: '',
    extensionAmount: 1,
    extensionKind: '',
    attachments: [],
  }
}

// The first problem of a filled-in form as {key, params} of an i18n message, or null when it can be
// sent. Keys live under caseAction.* (shared) and caseView.* (this area).
export function validateAction(action, form, caseView) {
  const fields = fieldsFor(action)
  const note = String(form.note ?? '').trim()
  if (NOTE_REQUIRED.has(action) && !note) return { key: 'caseAction.noteRequired' }
  if (utf8Length(note) > 4000) return { key: 'caseView.noteTooLong' }
  if (action === 'classify' && !form.category) return { key: 'caseView.categoryRequired' }
  if (action === 'dispatch' && !form.category && !caseView?.category) return { key: 'caseView.categoryRequired' }
  if (fields.has('unit') && form.unitMode === 'manual' && !form.unit) return { key: 'caseView.unitRequired' }
  if (action === 'merge') {
    const id = Number(form.duplicateOf)
    if (!Number.isInteger(id) || id <= 0) return { key: 'caseView.duplicateRequired' }
    if (id === caseView?.id) return { key: 'caseView.duplicateSelf' }
  }
  if (action === 'callback' && !EVALUATIONS.includes(form.evaluation)) return { key: 'caseView.evaluationRequired' }
  if (action === 'request_extension') {
    const amount = Number(form.extensionAmount)
    if (!Number.isInteger(amount) || amount < 1 || amount > 1000) return { key: 'caseView.extensionAmountRange' }
    if (!form.extensionKind) return { key: 'caseView.extensionKindRequired' }
  }
  if ((form.attachments ?? []).length > 20) return { key: 'caseView.tooManyPhotos' }
  return null
}

// The body of POST /cases/{id}/actions for a form validated by validateAction.
export function actionBody(action, form, caseView) {
  const fields = fieldsFor(action)
  const body = { action }
  const note = String(form.note ?? '').trim()
  if (note) body.note = note
  if (fields.has('category')) {
    // classify always names the category; dispatch only when it changes it (classifying on the way).
    if (form.category && (action === 'classify' || form.category !== caseView?.category)) body.category = form.category
    // A priority left as it was is not sent, so a new category may raise it to its default.
    if (form.priority && form.priority !== caseView?.priority) body.priority = form.priority
  }
  if (fields.has('unit') && form.unitMode === 'manual' && form.unit) {
    body.unit = Number(form.unit)
    const co = (form.coUnits ?? []).map(Number).filter((u) => u > 0 && u !== body.unit)
    if (co.length) body.co_units = [...new Set(co)]
  }
  if (action === 'merge') body.duplicate_of = Number(form.duplicateOf)
  if (action === 'callback') body.evaluation = form.evaluation
  if (action === 'request_extension') body.extension = { kind: form.extensionKind, amount: Number(form.extensionAmount) }
  if ((form.attachments ?? []).length) body.attachments = [...form.attachments]
  return body
}

// ---- the case view ---------------------------------------------------------------------------

// The names of a division path (self … province) from the county down, for a place line.
export function placeNames(path) {
  const list = [...(path ?? [])].reverse()
  const from = list.findIndex((d) => d.level === 'county')
  return (from >= 0 ? list.slice(from) : list).map((d) => d.name)
}

// The running deadlines of a case view, in clock order: [{clock, due, left}] (left: timeLeft()).
export function deadlineRows(caseView, now = Date.now()) {
  const d = caseView?.deadlines ?? {}
  return ['acknowledge', 'handle', 'verify']
    .filter((clock) => d[clock])
    .map((clock) => ({ clock, due: d[clock], left: timeLeft(d[clock], now) }))
}

// "mm:ss" for less than an hour (the last hour of a clock ticks in seconds), else ''.
export function clockFace(due, now = Date.now()) {
  const ms = Date.parse(due) - now
  if (!(ms > 0) || ms >= 3600000) return ''
  const s = Math.floor(ms / 1000)
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

// Every photo of a case: the report's, then each event's, as [{id, seq, action}] (ids once each).
export function casePhotos(caseView) {
  const seen = new Set()
  const out = []
  for (const id of caseView?.attachments ?? []) {
    if (!seen.has(id)) out.push({ id, seq: 0, action: 'report' })
    seen.add(id)
  }
  for (const e of caseView?.timeline ?? []) {
    for (const id of e.attachments ?? []) {
      if (!seen.has(id)) out.push({ id, seq: e.seq, action: e.action })
      seen.add(id)
    }
  }
  return out
}

// How each known member of an event's `details` reads: [{key, kind, value}] in a stable order.
// kind: unit, units, time, category, evaluation, priority, level, channel, bool, extension, code, text.
const DETAIL_KINDS = {
  unit: 'unit',
  co_units: 'units',
  rule: 'text',
  reason: 'text',
  acknowledge_due: 'time',
  handle_due_from: 'time',
  handle_due: 'time',
  late: 'bool',
  on_time: 'bool',
  category_from: 'category',
  category: 'category',
  priority: 'priority',
  evaluation: 'evaluation',
  duplicate_of: 'case',
  level_from: 'level',
  level: 'level',
  center_from: 'unit',
  center: 'unit',
  channel: 'channel',
  territory: 'code',
  grid: 'code',
}
const DETAIL_ORDER = Object.keys(DETAIL_KINDS)

export function detailEntries(details) {
  const d = details && typeof details === 'object' ? details : {}
  const out = []
  if (d.extension_kind && d.extension_amount) {
    out.push({ key: 'extension', kind: 'extension', value: { kind: d.extension_kind, amount: d.extension_amount } })
  }
  for (const key of DETAIL_ORDER) {
    const value = d[key]
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value) && value.length === 0) continue
    if (key === 'rule' && !value) continue
    if ((key === 'center' || key === 'center_from' || key === 'unit') && !value) continue
    out.push({ key, kind: DETAIL_KINDS[key], value })
  }
  return out
}

// ---- keyboard --------------------------------------------------------------------------------

// Whether a key event comes from a place that takes typing (then shortcuts stay off).
export function isTypingTarget(target) {
  if (!target) return false
  const tag = String(target.tagName ?? '').toLowerCase()
  if (tag === 'input' || tag === 'textarea' || tag === 'select') return true
  return Boolean(target.isContentEditable)
}

// The workbench command of a key event: up, down, open, search, close, accept, dispatch; or ''.
export function shortcutOf(event) {
  if (!event || event.ctrlKey || event.metaKey || event.altKey) return ''
  if (isTypingTarget(event.target)) return ''
  switch (event.key) {
    case 'ArrowUp':
      return 'up'
    case 'ArrowDown':
      return 'down'
    case 'Enter':
      return 'open'
    case '/':
      return 'search'
    case 'Escape':
      return 'close'
    case 'a':
    case 'A':
      return 'accept'
    case 'd':
    case 'D':
      return 'dispatch'
    default:
      return ''
  }
}

// ---- hotline intake --------------------------------------------------------------------------

export function emptyHotlineForm() {
  return { name: '', phone: '', description: '', category: '', priority: 'normal', address: '', point: null }
}

// The first problem of a hotline report as {key}, or null. A place is a picked point or an address.
export function validateHotline(form) {
  const description = String(form.description ?? '').trim()
  if (!description) return { key: 'hotlineIntake.descriptionRequired' }
  if (characterCount(description) > 4000) return { key: 'hotlineIntake.descriptionTooLong' }
  const address = String(form.address ?? '').trim()
  if (!form.point && !address) return { key: 'hotlineIntake.placeRequired' }
  if (utf8Length(address) > 500) return { key: 'hotlineIntake.addressTooLong' }
  if (utf8Length(String(form.name ?? '').trim()) > 100) return { key: 'hotlineIntake.nameTooLong' }
  const phone = String(form.phone ?? '').trim()
  if (utf8Length(phone) > 40) return { key: 'hotlineIntake.phoneTooLong' }
  if (phone && !/^[0-9+\-\s()]+$/.test(phone)) return { key: 'hotlineIntake.phoneInvalid' }
  return null
}

// The body of POST /api/v1/cases for a hotline report: a picked point wins over the address (the
// server tries the point first); the address is kept as written either way.
export function hotlineBody(form) {
  const body = { channel: 'hotline', description: String(form.description).trim() }
  if (form.category) body.category = form.category
  if (form.priority) body.priority = form.priority
  if (form.point) body.location = { lon: form.point.lon, lat: form.point.lat, crs: 'wgs84' }
  const address = String(form.address ?? '').trim()
  if (address) body.address = address
  const name = String(form.name ?? '').trim()
  const phone = String(form.phone ?? '').trim()
  if (name || phone) body.reporter = { ...(name ? { name } : {}), ...(phone ? { phone } : {}) }
  return body
}
