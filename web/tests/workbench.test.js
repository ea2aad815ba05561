import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OPEN_STATES } from '../src/cases.js'
import { hasMessage, translate } from '../src/i18n.js'
import { OPERATOR_QUEUES, UNIT_QUEUES, listParams, nextDay, queueByName, sameParams } from '../src/components/case/queues.js'
import {
  actionBody,
  casePhotos,
  categoryPath,
  categoryTree,
  clockFace,
  deadlineRows,
  detailEntries,
  emptyActionForm,
  excerpt,
  extensionKindsFor,
  fieldsFor,
  hotlineBody,
  emptyHotlineForm,
  placeNames,
  shortcutOf,
  validateAction,
  validateHotline,
} from '../src/components/case/caseFormat.js'

const CATEGORIES = [
  { code: '01', name: '供热', parent: null, limits: { handle: { kind: 'working_days', amount: 3 } }, active: true },
  { code: '0101', name: '暖气不热', parent: '01', limits: { handle: { kind: 'natural_days', amount: 3 } }, active: true },
  { code: '0102', name: '管道漏水', parent: '01', limits: { handle: { kind: 'working_hours', amount: 8 } }, active: true },
  { code: '0199', name: '停用的', parent: '01', active: false },
  { code: '02', name: '市容', parent: null, active: true },
]

test('queues name the documented filters', () => {
  const names = OPERATOR_QUEUES.map((q) => q.name)
  assert.deepEqual(names, ['new', 'to_dispatch', 'returned', 'extension', 'warning', 'overdue', 'to_verify', 'to_callback', 'to_close', 'open'])
  assert.deepEqual(UNIT_QUEUES.map((q) => q.name), ['to_acknowledge', 'in_hand', 'due_soon', 'overdue', 'resolved'])
  assert.deepEqual(listParams(queueByName(OPERATOR_QUEUES, 'extension')), {
    status: 'dispatched,acknowledged',
    extension_pending: 'true',
  })
  assert.deepEqual(listParams(queueByName(OPERATOR_QUEUES, 'to_dispatch')), { status: 'accepted,escalated' })
  assert.deepEqual(listParams(queueByName(OPERATOR_QUEUES, 'overdue')), { warning: 'red' })
  assert.equal(listParams(queueByName(OPERATOR_QUEUES, 'open')).status, OPEN_STATES.join(','))
  assert.deepEqual(listParams(queueByName(UNIT_QUEUES, 'due_soon')), { status: 'dispatched,acknowledged', warning: 'yellow' })
  assert.equal(queueByName(OPERATOR_QUEUES, 'nonsense').name, 'new', 'an unknown queue falls back to the first')
})

test('every queue has a label in both languages', () => {
  for (const q of OPERATOR_QUEUES) for (const l of ['zh-CN', 'en']) assert.ok(hasMessage(l, `workbench.queue.${q.name}`), q.name)
  for (const q of UNIT_QUEUES) for (const l of ['zh-CN', 'en']) assert.ok(hasMessage(l, `unitBench.queue.${q.name}`), q.name)
})

test('the user filters narrow the queue; the last day is included', () => {
  const q = queueByName(OPERATOR_QUEUES, 'new')
  assert.deepEqual(listParams(q, { category: '01', channel: 'hotline', under: ' 371302004 ', from: '2026-11-01', to: '2026-11-30', q: ' 暖气 ' }), {
    status: 'reported',
    category: '01',
    channel: 'hotline',
    under: '371302004',
    from: '2026-11-01',
    to: '2026-12-01',
    q: '暖气',
  })
  assert.deepEqual(listParams(q, { category: '', channel: null, q: '  ' }), { status: 'reported' })
  assert.equal(nextDay('2026-12-31'), '2027-01-01')
  assert.equal(nextDay('2028-02-28'), '2028-02-29')
  assert.equal(nextDay('bad'), '')
  assert.ok(sameParams({ a: 1, b: '' }, { a: '1' }))
  assert.ok(!sameParams({ a: 1 }, { a: 2 }))
})

test('categories become a tree of active majors and minors', () => {
  const tree = categoryTree(CATEGORIES)
  assert.deepEqual(tree.map((m) => m.value), ['01', '02'])
  assert.deepEqual(tree[0].children.map((c) => c.value), ['0101', '0102'])
  assert.equal(categoryTree(CATEGORIES, { includeInactive: true })[0].children.length, 3)
  assert.equal(categoryPath(CATEGORIES, '0101'), '供热 / 暖气不热')
  assert.equal(categoryPath(CATEGORIES, '02'), '市容')
  assert.equal(categoryPath(CATEGORIES, '9999'), '')
})

test('an extension is asked in the measure of the handle limit', () => {
  assert.deepEqual(extensionKindsFor(CATEGORIES, '0101'), ['urgent_hours', 'natural_days'])
  assert.deepEqual(extensionKindsFor(CATEGORIES, '0102'), ['working_hours', 'working_days'])
  assert.equal(extensionKindsFor(CATEGORIES, '').length, 4)
})

test('each action dialog asks for what the action needs', () => {
  assert.deepEqual([...fieldsFor('accept')], ['note'])
  assert.deepEqual([...fieldsFor('dispatch')].sort(), ['category', 'note', 'priority', 'unit'])
  assert.deepEqual([...fieldsFor('classify')].sort(), ['category', 'note', 'priority'])
  assert.ok(fieldsFor('merge').has('duplicate'))
  assert.ok(fieldsFor('callback').has('evaluation'))
  assert.ok(fieldsFor('request_extension').has('extension'))
  assert.ok(fieldsFor('resolve').has('photos') && fieldsFor('verify_fail').has('photos'))
  assert.ok(!fieldsFor('acknowledge').has('photos'))
})

test('validateAction names the first problem', () => {
  const c = { id: 7, category: null, priority: 'normal' }
  const form = (over) => ({ ...emptyActionForm(c), ...over })
  assert.equal(validateAction('accept', form({}), c), null)
  assert.equal(validateAction('resolve', form({ note: '  ' }), c).key, 'caseAction.noteRequired')
  assert.equal(validateAction('resolve', form({ note: '换了灯泡' }), c), null)
  assert.equal(validateAction('dispatch', form({}), c).key, 'caseView.categoryRequired')
  assert.equal(validateAction('dispatch', form({}), { ...c, category: '0101' }), null)
  assert.equal(validateAction('dispatch', form({ category: '0101', unitMode: 'manual' }), c).key, 'caseView.unitRequired')
  assert.equal(validateAction('merge', form({ duplicateOf: '7' }), c).key, 'caseView.duplicateSelf')
  assert.equal(validateAction('merge', form({ duplicateOf: 'x' }), c).key, 'caseView.duplicateRequired')
  assert.equal(validateAction('callback', form({}), c).key, 'caseView.evaluationRequired')
  assert.equal(validateAction('request_extension', form({ extensionAmount: 0, extensionKind: 'natural_days' }), c).key, 'caseView.extensionAmountRange')
  assert.equal(validateAction('request_extension', form({ extensionAmount: 2, extensionKind: '' }), c).key, 'caseView.extensionKindRequired')
  assert.equal(validateAction('accept', form({ note: '字'.repeat(1400) }), c).key, 'caseView.noteTooLong')
  for (const key of ['caseAction.noteRequired', 'caseView.categoryRequired', 'caseView.unitRequired', 'caseView.duplicateSelf']) {
    assert.ok(hasMessage('zh-CN', key) && hasMessage('en', key), key)
  }
})

test('actionBody sends only what the action takes', () => {
  const c = { id: 7, category: null, priority: 'normal' }
  const form = (over) => ({ ...emptyActionForm(c), ...over })
  assert.deepEqual(actionBody('accept', form({ note: ' ok ' }), c), { action: 'accept', note: 'ok' })
  assert.deepEqual(actionBody('classify', form({ category: '0101' }), c), { action: 'classify', category: '0101' })
  assert.deepEqual(actionBody('classify', form({ category: '0101', priority: 'high' }), c), { action: 'classify', category: '0101', priority: 'high' })
  // dispatch of a classified case by the rules: nothing but the action
  const classified = { ...c, category: '0101' }
  assert.deepEqual(actionBody('dispatch', { ...emptyActionForm(classified) }, classified), { action: 'dispatch' })
  assert.deepEqual(actionBody('dispatch', { ...emptyActionForm(classified), unitMode: 'manual', unit: 12, coUnits: [13, 12, 13] }, classified), {
    action: 'dispatch',
    unit: 12,
    co_units: [13],
  })
  // a unit picked and then "by the rules" again sends no unit
  assert.deepEqual(actionBody('dispatch', { ...emptyActionForm(classified), unitMode: 'auto', unit: 12 }, classified), { action: 'dispatch' })
  assert.deepEqual(actionBody('merge', form({ duplicateOf: '30811' }), c), { action: 'merge', duplicate_of: 30811 })
  assert.deepEqual(actionBody('callback', form({ evaluation: 'satisfied' }), c), { action: 'callback', evaluation: 'satisfied' })
  assert.deepEqual(actionBody('request_extension', form({ extensionAmount: 2, extensionKind: 'natural_days' }), c), {
    action: 'request_extension',
    extension: { kind: 'natural_days', amount: 2 },
  })
  assert.deepEqual(actionBody('resolve', form({ note: '已修复', attachments: ['ab'] }), c), { action: 'resolve', note: '已修复', attachments: ['ab'] })
})

test('event details read in a stable order', () => {
  const entries = detailEntries({ reason: 'rule 1', unit: 10389, co_units: [], rule: 22131, handle_due: '2026-11-26T09:30:00+08:00', extra: 1 })
  assert.deepEqual(entries.map((e) => e.key), ['unit', 'rule', 'reason', 'handle_due'])
  assert.deepEqual(detailEntries({ extension_kind: 'natural_days', extension_amount: 2 }), [
    { key: 'extension', kind: 'extension', value: { kind: 'natural_days', amount: 2 } },
  ])
  assert.deepEqual(detailEntries({ rule: 0, unit: 5 }).map((e) => e.key), ['unit'], 'rule 0 (hand-picked or fallback) is left out')
  assert.deepEqual(detailEntries(null), [])
  for (const key of ['extension', 'unit', 'co_units', 'rule', 'reason', 'acknowledge_due', 'handle_due_from', 'handle_due', 'late', 'on_time', 'category_from', 'category', 'priority', 'evaluation', 'duplicate_of', 'level_from', 'level', 'center_from', 'center', 'channel', 'territory', 'grid']) {
    assert.ok(hasMessage('zh-CN', `caseView.detail.${key}`) && hasMessage('en', `caseView.detail.${key}`), key)
  }
})

test('places, photos, deadlines and excerpts', () => {
  const path = [
    { code: '371302004001001', name: '柳青苑社区第1网格', level: 'grid' },
    { code: '371302004001', name: '柳青苑社区', level: 'community' },
    { code: '371302004', name: '柳青街道', level: 'street' },
    { code: '371302', name: '兰山区', level: 'county' },
    { code: '3713', name: '临沂市', level: 'city' },
    { code: '37', name: '山东省', level: 'province' },
  ]
  assert.deepEqual(placeNames(path), ['兰山区', '柳青街道', '柳青苑社区', '柳青苑社区第1网格'])
  assert.deepEqual(placeNames(path.slice(3)), ['兰山区'])
  assert.deepEqual(placeNames([{ name: '临沂市', level: 'city' }, { name: '山东省', level: 'province' }]), ['山东省', '临沂市'])

  const view = {
    attachments: ['a'],
    timeline: [
      { seq: 1, action: 'report', attachments: ['a'] },
      { seq: 7, action: 'resolve', attachments: ['b', 'c'] },
    ],
  }
  assert.deepEqual(casePhotos(view), [
    { id: 'a', seq: 0, action: 'report' },
    { id: 'b', seq: 7, action: 'resolve' },
    { id: 'c', seq: 7, action: 'resolve' },
  ])

  const now = Date.parse('2026-11-23T10:00:00+08:00')
  const rows = deadlineRows({ deadlines: { acknowledge: '2026-11-23T10:30:00+08:00', handle: '2026-11-22T10:00:00+08:00', verify: null } }, now)
  assert.deepEqual(rows.map((r) => [r.clock, r.left.overdue]), [['acknowledge', false], ['handle', true]])
  assert.equal(clockFace('2026-11-23T10:30:00+08:00', now), '30:00')
  assert.equal(clockFace('2026-11-23T10:00:59+08:00', now), '00:59')
  assert.equal(clockFace('2026-11-23T12:00:00+08:00', now), '', 'more than an hour: no seconds')
  assert.equal(clockFace('2026-11-23T09:00:00+08:00', now), '', 'past: no face')

  assert.equal(excerpt('  a\n b  '), 'a b')
  assert.equal(excerpt('一二三四五六', 4), '一二三…')
})

test('shortcuts stay off while typing', () => {
  const key = (k, over = {}) => shortcutOf({ key: k, target: { tagName: 'DIV' }, ...over })
  assert.equal(key('ArrowDown'), 'down')
  assert.equal(key('ArrowUp'), 'up')
  assert.equal(key('Enter'), 'open')
  assert.equal(key('/'), 'search')
  assert.equal(key('Escape'), 'close')
  assert.equal(key('a'), 'accept')
  assert.equal(key('D'), 'dispatch')
  assert.equal(key('x'), '')
  assert.equal(key('a', { target: { tagName: 'INPUT' } }), '')
  assert.equal(key('a', { target: { tagName: 'TEXTAREA' } }), '')
  assert.equal(key('a', { target: { tagName: 'DIV', isContentEditable: true } }), '')
  assert.equal(key('a', { ctrlKey: true }), '')
  for (const s of ['up', 'down', 'open', 'search', 'close', 'accept', 'dispatch']) {
    assert.ok(hasMessage('en', `caseView.keyHelp.${s}`) && hasMessage('zh-CN', `caseView.keys.${s}`), s)
  }
})

test('hotline reports need a description and a place', () => {
  const form = (over) => ({ ...emptyHotlineForm(), ...over })
  assert.equal(validateHotline(form({})).key, 'hotlineIntake.descriptionRequired')
  assert.equal(validateHotline(form({ description: '路灯不亮' })).key, 'hotlineIntake.placeRequired')
  assert.equal(validateHotline(form({ description: '路灯不亮', address: '柳青街道' })), null)
  assert.equal(validateHotline(form({ description: '路灯不亮', point: { lon: 118.3, lat: 35.05 } })), null)
  assert.equal(validateHotline(form({ description: 'x', address: 'y', phone: 'abc' })).key, 'hotlineIntake.phoneInvalid')
  assert.equal(translate('en', validateHotline(form({})).key), 'Write the description')

  assert.deepEqual(hotlineBody(form({ description: ' 路灯不亮 ', address: ' 柳青街道 柳青苑社区 ', name: '王女士', phone: '138 0000 1234' })), {
    channel: 'hotline',
    description: '路灯不亮',
    priority: 'normal',
    address: '柳青街道 柳青苑社区',
    reporter: { name: '王女士', phone: '138 0000 1234' },
  })
  assert.deepEqual(hotlineBody(form({ description: 'x', category: '0101', priority: 'high', point: { lon: 118.3, lat: 35.05 } })), {
    channel: 'hotline',
    description: 'x',
    category: '0101',
    priority: 'high',
    location: { lon: 118.3, lat: 35.05, crs: 'wgs84' },
  })
})
