import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  calendarBody,
  categoryBody,
  categoryForm,
  categoryTree,
  dayStatus,
  fieldError,
  grantFromRow,
  grantsFromRows,
  matchesText,
  mayWrite,
  officeMinutes,
  overridesInMonth,
  pageOf,
  parseImportMessage,
  pickSection,
  previewGeojson,
  removeOverride,
  rootTerritories,
  rowFromGrant,
  sectionsFor,
  setOverride,
  splitInterval,
  weekdayOf,
  workingByWeekday,
} from '../src/components/admin/adminkit.js'
import * as adminkit from '../src/components/admin/adminkit.js'
import { translate } from '../src/i18n.js'

const admin = { grants: ['admin@371302'], permissions: ['case.read', 'stats.read', 'reference.write', 'account.admin', 'audit.read'] }
const operator = { grants: ['operator@371302004'], permissions: ['case.read', 'case.act', 'reference.write'] }
const leader = { grants: ['leader@371302'], permissions: ['case.read', 'stats.read'] }

test('sections follow the permissions', () => {
  assert.deepEqual(
    sectionsFor(admin).map((s) => s.key),
    ['territory', 'import', 'categories', 'rules', 'calendars', 'units', 'users'],
  )
  assert.deepEqual(
    sectionsFor(operator).map((s) => s.key),
    ['territory', 'import', 'categories', 'rules', 'calendars', 'units'],
  )
  assert.deepEqual(sectionsFor(leader).map((s) => s.key), ['territory', 'categories', 'rules', 'calendars', 'units'])
  assert.equal(pickSection(operator, 'users'), 'territory', 'a hidden section falls back to the first')
  assert.equal(pickSection(admin, 'users'), 'users')
  assert.equal(pickSection(admin, undefined), 'territory')
  assert.equal(mayWrite(operator, 'categories'), true)
  assert.equal(mayWrite(leader, 'categories'), false)
  assert.equal(mayWrite(leader, 'territory'), true, 'nothing to write there')
})

test('the territory tree starts at the user territory, or the province', () => {
  assert.deepEqual(rootTerritories(admin), ['371302'])
  assert.deepEqual(rootTerritories({ grants: ['admin@'] }), ['37'])
  assert.deepEqual(rootTerritories({ grants: ['resident'] }), ['37'])
  assert.deepEqual(rootTerritories({ grants: ['operator@371302004', 'leader@371302', 'admin@371311'] }), ['371302', '371311'])
  assert.deepEqual(rootTerritories({ grants: ['unit_staff#12'] }), ['37'])
})

test('the GeoJSON preview counts features, codes and communities', () => {
  const fc = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { code: '371302004001001' }, geometry: null },
      { type: 'Feature', properties: { code: '371302004001002' }, geometry: null },
      { type: 'Feature', properties: { code: '371302004002001' }, geometry: null },
      { type: 'Feature', properties: {}, geometry: null },
    ],
  }
  const p = previewGeojson(JSON.stringify(fc))
  assert.equal(p.ok, true)
  assert.equal(p.features, 4)
  assert.deepEqual(p.codes, ['371302004001001', '371302004001002', '371302004002001'])
  assert.equal(p.missing, 1)
  assert.deepEqual(p.communities, ['371302004001', '371302004002'])
  assert.equal(previewGeojson('  ').problem, 'empty')
  assert.equal(previewGeojson('{').problem, 'notJson')
  assert.equal(previewGeojson('{"type":"Feature"}').problem, 'notCollection')
  assert.equal(previewGeojson('{"type":"FeatureCollection"}').problem, 'noFeatures')
})

test('an import error is read into feature, code and reason', () => {
  assert.deepEqual(parseImportMessage('feature 3 (code 371302004001002): a ring is not closed (its last position differs from its first)'), {
    feature: 3,
    code: '371302004001002',
    reason: 'a ring is not closed (its last position differs from its first)',
  })
  assert.deepEqual(parseImportMessage('feature 0: properties.code is missing'), {
    feature: 0,
    code: '',
    reason: 'properties.code is missing',
  })
  assert.deepEqual(parseImportMessage('the FeatureCollection has no features'), {
    feature: null,
    code: '',
    reason: 'the FeatureCollection has no features',
  })
})

test('grants are written from the editor rows', () => {
  assert.deepEqual(grantFromRow({ role: 'operator', scope: ' 371302004 ' }), { ok: true, grant: 'operator@371302004' })
  assert.deepEqual(grantFromRow({ role: 'unit_staff', scope: '12' }), { ok: true, grant: 'unit_staff#12' })
  assert.deepEqual(grantFromRow({ role: 'resident', scope: 'x' }), { ok: true, grant: 'resident' })
  assert.deepEqual(grantFromRow({ role: 'admin', scope: '' }), { ok: true, grant: 'admin@' })
  assert.equal(grantFromRow({ role: 'leader', scope: '' }).reason, 'division')
  assert.equal(grantFromRow({ role: 'grid_worker', scope: '3713020040010' }).reason, 'division')
  assert.equal(grantFromRow({ role: 'unit_staff', scope: 'abc' }).reason, 'unit')
  assert.equal(grantFromRow({ role: '', scope: '37' }).reason, 'role')
  assert.deepEqual(rowFromGrant('unit_staff#12'), { role: 'unit_staff', scope: '12' })
  assert.deepEqual(rowFromGrant('grid_worker@371302004001007'), { role: 'grid_worker', scope: '371302004001007' })
  assert.deepEqual(
    grantsFromRows([
      { role: 'grid_worker', scope: '371302004001007' },
      { role: 'grid_worker', scope: '371302004001007' },
      { role: 'resident', scope: '' },
    ]),
    { ok: true, grants: ['grid_worker@371302004001007', 'resident'] },
  )
  assert.deepEqual(grantsFromRows([{ role: 'operator', scope: '371302004' }, { role: 'unit_staff', scope: '' }]), {
    ok: false,
    index: 1,
    reason: 'unit',
  })
  assert.deepEqual(grantsFromRows([]), { ok: false, index: -1, reason: 'none' })
})

test('categories form a tree and a body as the API wants it', () => {
  const limits = {
    acknowledge: { kind: 'working_hours', amount: 4 },
    handle: { kind: 'working_days', amount: 3 },
    verify: { kind: 'working_days', amount: 1 },
  }
  const cats = [
    { code: '0101', name: '暖气不热', parent: '01', priority: 'normal', limits, level: 'county', active: true },
    { code: '02', name: '供水', parent: null, priority: 'high', limits, level: 'street', active: true },
    { code: '01', name: '供热', parent: null, priority: 'normal', limits, level: 'county', active: true },
    { code: '0901', name: '孤儿', parent: '09', priority: 'normal', limits, level: 'street', active: false },
  ]
  const tree = categoryTree(cats)
  assert.deepEqual(
    tree.map((c) => [c.code, (c.children ?? []).map((k) => k.code)]),
    [
      ['01', ['0101']],
      ['02', []],
      ['0901', []],
    ],
  )
  assert.equal(tree[1].children, undefined, 'a major without minors has no expander')

  const minor = categoryForm(null, cats[2])
  assert.equal(minor.parent, '01')
  assert.equal(minor.code, '01')
  assert.equal(minor.level, 'county')
  assert.deepEqual(minor.limits.acknowledge, { kind: 'working_hours', amount: 4 })
  minor.code = '0109'
  minor.name = ' 管道漏水 '
  minor.limits.handle.amount = '5'
  assert.deepEqual(categoryBody(minor, { withCode: true }), {
    code: '0109',
    name: '管道漏水',
    parent: '01',
    priority: 'normal',
    level: 'county',
    active: true,
    limits: { ...limits, handle: { kind: 'working_days', amount: 5 } },
  })
  const major = categoryForm(cats[1])
  const body = categoryBody(major, { withCode: false })
  assert.equal(body.code, undefined)
  assert.equal(body.parent, undefined)
  assert.equal(body.priority, 'high')
  assert.equal(body.attributes, undefined, 'none to keep')

  // Saving an existing category keeps what the dialog does not edit.
  const asking = {
    ...cats[2],
    description: '室温低于 16℃',
    keywords: ['暖气', '室温'],
    attributes: [{ code: 'room_temperature', datatype: 'number', required: true, variable: true,
                   description: '室内温度（摄氏度）', datatype_description: '', order: 1, values: [] }],
  }
  const kept = categoryBody(categoryForm(asking), { withCode: false })
  assert.equal(kept.description, asking.description)
  assert.deepEqual(kept.keywords, asking.keywords)
  assert.deepEqual(kept.attributes, asking.attributes)
  assert.notEqual(kept.attributes, asking.attributes, 'copied, not shared')
})

test('calendar days: weekly rule, overrides and the PUT body', () => {
  assert.equal(weekdayOf('2026-11-23'), 'mon')
  assert.equal(weekdayOf('2026-11-22'), 'sun')
  assert.equal(weekdayOf('2024-02-29'), 'thu')
  const cal = {
    id: 'cn-national',
    name: '全国法定节假日',
    utc_offset_minutes: 480,
    working_weekdays: ['fri', 'mon', 'tue', 'wed', 'thu'],
    office_hours: ['08:00-12:00', '14:00-18:00'],
    working_minutes_per_day: 480,
    override_count: 2,
    overrides: [
      { date: '2026-10-01', working: false, note: '国庆节' },
      { date: '2026-09-27', working: true, note: '调休上班' },
    ],
  }
  assert.equal(workingByWeekday(cal, '2026-09-27'), false)
  assert.deepEqual(dayStatus(cal, '2026-09-27'), { working: true, override: cal.overrides[1] })
  assert.deepEqual(dayStatus(cal, '2026-10-01').working, false)
  assert.deepEqual(dayStatus(cal, '2026-10-05'), { working: true, override: null })

  let list = setOverride(cal.overrides, { date: '2026-10-05', working: false, note: '补休' })
  assert.deepEqual(list.map((o) => o.date), ['2026-09-27', '2026-10-01', '2026-10-05'])
  list = setOverride(list, { date: '2026-10-01', working: true, note: '' })
  assert.equal(list.length, 3)
  assert.equal(list.find((o) => o.date === '2026-10-01').working, true)
  list = removeOverride(list, '2026-10-05')
  assert.deepEqual(overridesInMonth(list, '2026-10').map((o) => o.date), ['2026-10-01'])

  assert.deepEqual(calendarBody(cal), {
    name: '全国法定节假日',
    utc_offset_minutes: 480,
    working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    office_hours: ['08:00-12:00', '14:00-18:00'],
    overrides: [
      { date: '2026-09-27', working: true, note: '调休上班' },
      { date: '2026-10-01', working: false, note: '国庆节' },
    ],
  })
  assert.deepEqual(splitInterval('08:30-12:00'), ['08:30', '12:00'])
  assert.deepEqual(splitInterval('8-12'), ['', ''])
  assert.equal(officeMinutes(['08:30-12:00', '13:30-17:30']), 450)
  assert.equal(officeMinutes(['08:30-']), null)
})

test('lists: pages, text filter and field errors', () => {
  const rows = Array.from({ length: 45 }, (_, i) => i)
  assert.deepEqual(pageOf(rows, 3, 20), [40, 41, 42, 43, 44])
  assert.deepEqual(pageOf(rows, 0, 20).length, 20)
  assert.equal(matchesText(' 供热 ', '兰山区供热公司'), true)
  assert.equal(matchesText('abc', 'ABCD'), true)
  assert.equal(matchesText('', null), true)
  assert.equal(matchesText('x', 'y', 12), false)
  const err = { field: 'handle', detail: 'handle.kind must be urgent_hours, working_hours, working_days or natural_days' }
  assert.deepEqual(fieldError(err, ['name', 'handle']), { field: 'handle', message: err.detail })
  assert.equal(fieldError(err, ['name']), null)
  assert.equal(fieldError({ field: '' }, ['name']), null)
})

test('every admin message exists in both languages with the same placeholders', () => {
  assert.equal(translate('zh-CN', 'admin.menu.rules'), '派遣规则')
  assert.equal(translate('en', 'admin.menu.rules'), 'Routing rules')
  assert.equal(translate('en', 'admin.import.features', { n: 1 }), '1 feature')
  assert.equal(translate('en', 'admin.import.features', { n: '1,204' }), '1,204 features')
  for (const kind of ['command_center', 'department', 'company', 'committee'])
    assert.notEqual(translate('en', `admin.unitKind.${kind}`), `admin.unitKind.${kind}`)
})

test('routing verdicts read chosen first, then candidates', () => {
  const { orderVerdicts } = adminkit
  const verdicts = [
    { rule: 1, candidate: false },
    { rule: 22131, candidate: true },
    { rule: 9, candidate: true },
    { rule: 5, candidate: false },
  ]
  assert.deepEqual(orderVerdicts(verdicts, 22131).map((v) => v.rule), [22131, 9, 1, 5])
  assert.deepEqual(orderVerdicts(verdicts, null).map((v) => v.rule), [9, 22131, 1, 5])
  assert.deepEqual(orderVerdicts(undefined, 1), [])
})

test('a new major category starts with the usual limits', () => {
  const form = adminkit.categoryForm(null)
  assert.deepEqual(form.limits, adminkit.DEFAULT_LIMITS)
  form.limits.handle.amount = 9
  assert.equal(adminkit.DEFAULT_LIMITS.handle.amount, 3, 'the defaults are copied, not shared')
})
