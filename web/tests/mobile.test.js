import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  MAX_OUTSIDE_M,
  RECENT_MAX,
  parseAt,
  ageOf,
  casePhotos,
  categoryTree,
  distanceMessage,
  distanceMeters,
  forgetCode,
  loadRecent,
  majorOf,
  newIdempotencyKey,
  normaliseTrackingCode,
  placeNames,
  placeVerdict,
  plausiblePhone,
  rememberCode,
  rememberedEvaluation,
} from '../src/components/mobile/mobile.js'
import { translate } from '../src/i18n.js'

test('tracking codes: case, dashes, spaces and Crockford aliases are accepted', () => {
  assert.deepEqual(normaliseTrackingCode('7K3Q-M9XA-2PFD'), { ok: true, code: '7K3Q-M9XA-2PFD' })
  assert.deepEqual(normaliseTrackingCode('7k3qm9xa2pfd'), { ok: true, code: '7K3Q-M9XA-2PFD' })
  assert.deepEqual(normaliseTrackingCode(' 7k3q m9xa 2pfd '), { ok: true, code: '7K3Q-M9XA-2PFD' })
  assert.deepEqual(normaliseTrackingCode('7k3q—m9xa—2pfd'), { ok: true, code: '7K3Q-M9XA-2PFD' })
  // O → 0, I and L → 1
  assert.deepEqual(normaliseTrackingCode('oil0-1111-2222'), { ok: true, code: '0110-1111-2222' })
})

test('tracking codes: problems are named', () => {
  assert.equal(normaliseTrackingCode('').reason, 'empty')
  assert.equal(normaliseTrackingCode('  - ').reason, 'empty')
  assert.equal(normaliseTrackingCode('7K3Q-M9XA-2PF').reason, 'length')
  assert.equal(normaliseTrackingCode('7K3Q-M9XA-2PF').length, 11)
  assert.equal(normaliseTrackingCode('7K3Q-M9XA-2PFDX').reason, 'length')
  assert.equal(normaliseTrackingCode('UUUU-M9XA-2PFD').reason, 'chars', 'U is not in the alphabet')
  assert.equal(normaliseTrackingCode('7K3Q-M9XA-2PF!').reason, 'chars')
  assert.equal(normaliseTrackingCode('查询码1234567890').reason, 'chars')
})

test('plausiblePhone: empty is fine, letters are not', () => {
  assert.ok(plausiblePhone(''))
  assert.ok(plausiblePhone('13800001234'))
  assert.ok(plausiblePhone('0539-8123456'))
  assert.ok(plausiblePhone('+86 138 0000 1234'))
  assert.ok(!plausiblePhone('abc'))
  assert.ok(!plausiblePhone('123'))
})

test('distances', () => {
  const a = { lon: 118.3, lat: 35.05 }
  assert.equal(distanceMeters(a, a), 0)
  const d = distanceMeters(a, { lon: 118.3, lat: 35.06 }) // 0.01° of latitude ≈ 1112 m
  assert.ok(Math.abs(d - 1112) < 3, String(d))
  assert.ok(Number.isNaN(distanceMeters(a, null)))
  assert.deepEqual(distanceMessage(349.6), { key: 'units.meters', params: { n: 350 } })
  assert.deepEqual(distanceMessage(1234), { key: 'units.kilometers', params: { n: 1.2 } })
  assert.deepEqual(distanceMessage(-5), { key: 'units.meters', params: { n: 0 } })
})

test('placeVerdict follows the server’s 500 m rule', () => {
  const grid = { code: '371302004001001', name: '柳青苑社区第1网格' }
  assert.equal(placeVerdict({ inside: true, distance_m: 0, grid }), 'inside')
  assert.equal(placeVerdict({ inside: false, distance_m: 120, grid }), 'near')
  assert.equal(placeVerdict({ inside: false, distance_m: MAX_OUTSIDE_M, grid }), 'near')
  assert.equal(placeVerdict({ inside: false, distance_m: 58422.6, grid }), 'outside')
  assert.equal(placeVerdict(null), 'outside')
  assert.deepEqual(
    placeNames({ grid, community: { name: '柳青苑社区' }, street: { name: '柳青街道' }, county: { name: '兰山区' } }),
    ['柳青苑社区第1网格', '柳青苑社区', '柳青街道'],
  )
})

test('categoryTree: active majors with their active minors, in code order', () => {
  const tree = categoryTree([
    { code: '0102', name: '漏水', parent: '01', active: true },
    { code: '02', name: '市容', parent: null, active: true },
    { code: '01', name: '供热', parent: null, active: true },
    { code: '0101', name: '暖气不热', parent: '01', active: true },
    { code: '0103', name: '停用', parent: '01', active: false },
    { code: '03', name: '停用大类', parent: null, active: false },
    { code: '0301', name: '孤儿', parent: '03', active: true },
  ])
  assert.deepEqual(
    tree.map((m) => [m.code, m.minors.map((c) => c.code)]),
    [
      ['01', ['0101', '0102']],
      ['02', []],
    ],
  )
  assert.equal(majorOf('0101'), '01')
  assert.equal(majorOf(''), '')
})

function memoryStorage() {
  const data = new Map()
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), data }
}

test('recent tracking codes: newest first, unique, bounded, robust to junk', () => {
  const s = memoryStorage()
  assert.deepEqual(loadRecent(s), [])
  rememberCode(s, 'AAAA-BBBB-CCCC', { status: 'verified' }, new Date('2026-01-01T00:00:00Z'))
  rememberCode(s, 'AAAA-BBBB-CCCC', { status: 'evaluated', evaluation: 'satisfied' })
  rememberCode(s, 'DDDD-EEEE-FFFF', { status: 'closed' })
  const list = rememberCode(s, 'AAAA-BBBB-CCCC', { status: 'accepted' })
  assert.deepEqual(
    list.map((e) => [e.code, e.status]),
    [
      ['AAAA-BBBB-CCCC', 'accepted'],
      ['DDDD-EEEE-FFFF', 'closed'],
    ],
  )
  assert.equal(rememberedEvaluation(s, 'AAAA-BBBB-CCCC'), 'satisfied', 'the evaluation is kept when the state is refreshed')
  assert.equal(rememberedEvaluation(s, 'DDDD-EEEE-FFFF'), '')
  for (let i = 0; i < 20; i++) rememberCode(s, `0000-0000-${String(i).padStart(4, '0')}`)
  assert.equal(loadRecent(s).length, RECENT_MAX)
  assert.equal(forgetCode(s, loadRecent(s)[0].code).length, RECENT_MAX - 1)
  s.setItem('civicgrid.recentTracking', '{not json')
  assert.deepEqual(loadRecent(s), [])
  s.setItem('civicgrid.recentTracking', JSON.stringify([{ code: 'bad' }, { code: 'AAAA-BBBB-CCCC' }, 7]))
  assert.deepEqual(
    loadRecent(s).map((e) => e.code),
    ['AAAA-BBBB-CCCC'],
  )
  assert.deepEqual(loadRecent(null), [])
  assert.equal(rememberCode(null, 'AAAA-BBBB-CCCC').length, 1)
})

test('casePhotos: the report’s, then each event’s, once each', () => {
  const a = 'a'.repeat(64)
  const b = 'b'.repeat(64)
  const c = 'c'.repeat(64)
  const photos = casePhotos({
    attachments: [a],
    reported_at: '2026-01-01T08:00:00+08:00',
    timeline: [
      { action: 'report', at: '2026-01-01T08:00:00+08:00', attachments: [a] },
      { action: 'resolve', at: '2026-01-02T08:00:00+08:00', attachments: [b, c] },
      { action: 'verify_fail', at: '2026-01-03T08:00:00+08:00', attachments: [b] },
    ],
  })
  assert.deepEqual(
    photos.map((p) => [p.id[0], p.action]),
    [
      ['a', 'report'],
      ['b', 'resolve'],
      ['c', 'resolve'],
    ],
  )
  assert.deepEqual(casePhotos(null), [])
})

test('ageOf', () => {
  const now = Date.parse('2026-01-03T10:30:00+08:00')
  assert.deepEqual(ageOf('2026-01-01T08:00:00+08:00', now), { overdue: false, days: 2, hours: 2, minutes: 30 })
  assert.deepEqual(ageOf('2026-01-03T10:30:00+08:00', now), { overdue: false, days: 0, hours: 0, minutes: 0 })
  assert.equal(ageOf('nonsense', now), null)
  // in the future (clock skew): no negative ages
  assert.deepEqual(ageOf('2026-01-03T11:00:00+08:00', now), { overdue: false, days: 0, hours: 0, minutes: 0 })
})

test('idempotency keys are fresh and short enough for the server (≤ 200)', () => {
  const a = newIdempotencyKey('resident')
  const b = newIdempotencyKey('resident')
  assert.notEqual(a, b)
  assert.ok(a.startsWith('resident-') && a.length <= 200)
})

test('the phone pages have their messages in both languages', () => {
  for (const lang of ['zh-CN', 'en']) {
    for (const state of ['reported', 'accepted', 'dispatched', 'acknowledged', 'returned', 'escalated', 'suspended', 'resolved', 'verified', 'evaluated', 'closed', 'rejected', 'merged']) {
      assert.notEqual(translate(lang, `resident.statusHint.${state}`), `resident.statusHint.${state}`, `${lang} ${state}`)
    }
    for (const reason of ['unsupported', 'denied', 'unavailable', 'timeout']) {
      assert.notEqual(translate(lang, `mobile.geo.${reason}`), `mobile.geo.${reason}`)
    }
    for (const reason of ['empty', 'chars', 'length']) {
      assert.notEqual(translate(lang, `resident.track.bad.${reason}`), `resident.track.bad.${reason}`)
    }
    for (const tab of ['report', 'mine', 'verify']) {
      assert.notEqual(translate(lang, `gridWorker.titles.${tab}`), `gridWorker.titles.${tab}`)
    }
  }
  assert.equal(translate('en', 'resident.track.bad.length', { length: 11 }), 'A tracking code has 12 characters (this has 11)')
})

test('parseAt reads LON,LAT[,ZOOM] and refuses the rest', () => {
  assert.deepEqual(parseAt('118.3036,35.0525'), { center: [35.0525, 118.3036], zoom: 17 })
  assert.deepEqual(parseAt('118.3,35.05,14.6'), { center: [35.05, 118.3], zoom: 15 })
  assert.deepEqual(parseAt('118.3,35.05,40'), { center: [35.05, 118.3], zoom: 19 })
  for (const bad of [undefined, '', '35.05,118.3', 'abc,def', '118.3', '0,0', ['118.3,35.05']]) assert.equal(parseAt(bad), null, String(bad))
})
