// The work queues of the two workbenches and the list filter each one stands for. A queue is
// {name, filter}: `filter` holds the parameters of GET /api/v1/cases and /cases/count
// (docs/api.md). The user's own filters (category, channel, under, dates, text) narrow it.
import { OPEN_STATES } from '../../cases.js'

// The command center (operator) workbench.
export const OPERATOR_QUEUES = [
  { name: 'new', filter: { status: ['reported'] } },
  { name: 'to_dispatch', filter: { status: ['accepted', 'escalated'] } },
  { name: 'returned', filter: { status: ['returned'] } },
  { name: 'extension', filter: { status: ['dispatched', 'acknowledged'], extension_pending: true } },
  { name: 'warning', filter: { warning: 'yellow' } },
  { name: 'overdue', filter: { warning: 'red' } },
  { name: 'to_verify', filter: { status: ['resolved'] } },
  { name: 'to_callback', filter: { status: ['verified'] } },
  { name: 'to_close', filter: { status: ['evaluated'] } },
  { name: 'open', filter: { status: OPEN_STATES } },
]

// The unit workbench (staff of a responsible unit: the server limits them to their unit's cases).
export const UNIT_QUEUES = [
  { name: 'to_acknowledge', filter: { status: ['dispatched'] } },
  { name: 'in_hand', filter: { status: ['acknowledged'] } },
  { name: 'due_soon', filter: { status: ['dispatched', 'acknowledged'], warning: 'yellow' } },
  { name: 'overdue', filter: { warning: 'red' } },
  { name: 'resolved', filter: { status: ['resolved'] } },
]

// Queues whose name reads as an alarm (their count is coloured when it is not zero).
export const ALERT_QUEUES = { warning: 'warning', due_soon: 'warning', overdue: 'danger', extension: 'primary' }

export function queueByName(queues, name) {
  return queues.find((q) => q.name === name) ?? queues[0]
}

// One more day after a YYYY-MM-DD date (the list's `to` excludes its bound; the user picks the last
// day to include).
export function nextDay(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(date ?? ''))
  if (!m) return ''
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1))
  return d.toISOString().slice(0, 10)
}

// The query of the case list: the queue's filter narrowed by the user's filters
// {category, channel, under, from, to (both YYYY-MM-DD, to included), q}. Empty values are left out.
export function listParams(queue, filters = {}) {
  const params = { ...(queue?.filter ?? {}) }
  if (Array.isArray(params.status)) params.status = params.status.join(',')
  if (params.extension_pending !== undefined) params.extension_pending = String(params.extension_pending)
  const category = String(filters.category ?? '').trim()
  if (category) params.category = category
  if (filters.channel) params.channel = filters.channel
  const under = String(filters.under ?? '').trim()
  if (under) params.under = under
  if (filters.from) params.from = filters.from
  if (filters.to) params.to = nextDay(filters.to)
  const q = String(filters.q ?? '').trim()
  if (q) params.q = q
  return params
}

// Whether two filter objects ask for the same list.
export function sameParams(a, b) {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])
  for (const k of keys) if (String(a?.[k] ?? '') !== String(b?.[k] ?? '')) return false
  return true
}
