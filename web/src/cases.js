// Case helpers shared by every screen: who may take which action (a mirror of the roles column of
// the server's transition table, docs/workflow.md — the server decides; this only hides buttons that
// would be refused), which actions need a note, and how a deadline reads.
import { rolesOf } from './session.js'

// action → roles that may take it.
export const ACTION_ROLES = {
  accept: ['operator'],
  reject: ['operator'],
  merge: ['operator'],
  classify: ['operator'],
  dispatch: ['operator'],
  acknowledge: ['unit_staff'],
  return: ['unit_staff'],
  request_extension: ['unit_staff'],
  grant_extension: ['operator'],
  deny_extension: ['operator'],
  suspend: ['operator'],
  resume: ['operator'],
  escalate: ['operator', 'unit_staff', 'grid_worker'],
  self_handle: ['grid_worker'],
  resolve: ['unit_staff'],
  verify_pass: ['grid_worker', 'operator'],
  verify_fail: ['grid_worker', 'operator'],
  callback: ['operator', 'resident'],
  reopen: ['operator'],
  close: ['operator'],
  supervise: ['operator', 'leader'],
  urge: ['operator', 'leader'],
}

// Actions whose request must carry a note.
export const NOTE_REQUIRED = new Set(['reject', 'return', 'suspend', 'escalate', 'self_handle', 'resolve', 'verify_fail'])

// Actions that usually come with photos (a resolution, a verification, a self-handled case).
export const PHOTO_ACTIONS = new Set(['resolve', 'self_handle', 'verify_pass', 'verify_fail'])

// The open states (every other state has ended).
export const OPEN_STATES = [
  'reported',
  'accepted',
  'dispatched',
  'acknowledged',
  'returned',
  'escalated',
  'suspended',
  'resolved',
  'verified',
  'evaluated',
]

// The actions of `allowed` (the case's allowed_actions) that one of the user's roles may take, in
// the server's order. grant/deny_extension only while a request is pending.
export function actionsFor(user, caseView) {
  const roles = rolesOf(user)
  return (caseView?.allowed_actions ?? []).filter((a) => {
    if ((a === 'grant_extension' || a === 'deny_extension') && !caseView.extension_pending) return false
    if (a === 'request_extension' && caseView.extension_pending) return false
    if (a === 'reopen' && caseView.evaluation !== 'unsatisfied') return false
    return (ACTION_ROLES[a] ?? []).some((r) => roles.includes(r))
  })
}

// {overdue, days, hours, minutes} from now until `due` (an ISO time), or null when there is none.
export function timeLeft(due, now = Date.now()) {
  if (!due) return null
  const ms = Date.parse(due) - now
  if (Number.isNaN(ms)) return null
  const overdue = ms < 0
  let minutes = Math.floor(Math.abs(ms) / 60000)
  const days = Math.floor(minutes / 1440)
  minutes -= days * 1440
  const hours = Math.floor(minutes / 60)
  minutes -= hours * 60
  return { overdue, days, hours, minutes }
}

// "2 天 3 小时" / "45 分钟" for a timeLeft() answer, with t() of the current language.
export function formatSpan(left, t) {
  if (!left) return ''
  const parts = []
  if (left.days) parts.push(t('sla.days', { n: left.days }))
  if (left.hours) parts.push(t('sla.hours', { n: left.hours }))
  if (!left.days && (left.minutes || parts.length === 0)) parts.push(t('sla.minutes', { n: left.minutes }))
  return parts.join(' ')
}

// A time for people: "11-26 10:15" in this year, else "2025-11-26 10:15", in the browser's zone.
export function formatTime(iso, now = new Date()) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const pad = (n) => String(n).padStart(2, '0')
  const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  return d.getFullYear() === now.getFullYear() ? md : `${d.getFullYear()}-${md}`
}

// Element Plus tag type of a state.
export function statusType(status) {
  switch (status) {
    case 'reported':
    case 'returned':
    case 'escalated':
      return 'warning'
    case 'dispatched':
    case 'acknowledged':
    case 'accepted':
      return 'primary'
    case 'resolved':
    case 'verified':
    case 'evaluated':
    case 'closed':
      return 'success'
    case 'rejected':
    case 'merged':
    case 'suspended':
      return 'info'
    default:
      return 'info'
  }
}
