import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  addDays,
  bboxContains,
  childLevel,
  countsByCode,
  dayStats,
  formatCount,
  geometryBbox,
  growBbox,
  daysBetween,
  intersectBbox,
  legendRows,
  niceStep,
  openClasses,
  percentText,
  placeLabel,
  pushTicker,
  rankUnits,
  reportDay,
  screenRanges,
  statsGroupFor,
  statsParams,
  tickerItemOf,
  tickerItemOfCase,
  topWithOther,
  trendSeries,
} from '../src/components/screen/screenData.js'

test('report days are counted at UTC+8, whatever the browser zone', () => {
  // 2026-11-22 18:30 UTC is 2026-11-23 02:30 in China.
  assert.equal(reportDay(Date.parse('2026-11-22T18:30:00Z')), '2026-11-23')
  assert.equal(reportDay(Date.parse('2026-11-22T15:59:59Z')), '2026-11-22')
  assert.equal(reportDay(Date.parse('2026-11-22T16:00:00Z')), '2026-11-23')
})

test('day arithmetic and ranges', () => {
  assert.equal(addDays('2026-03-01', -1), '2026-02-28')
  assert.equal(addDays('2024-03-01', -1), '2024-02-29')
  assert.equal(addDays('2026-12-31', 1), '2027-01-01')
  assert.deepEqual(daysBetween('2026-11-29', '2026-12-02'), ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'])
  const r = screenRanges(Date.parse('2026-11-23T02:00:00+08:00'))
  assert.deepEqual(r.today, { from: '2026-11-23', to: '2026-11-23' })
  assert.deepEqual(r.month, { from: '2026-11-01', to: '2026-11-23' })
  assert.deepEqual(r.recent, { from: '2026-10-25', to: '2026-11-23' })
  assert.equal(daysBetween(r.recent.from, r.recent.to).length, 30)
})

test('stats parameters leave out an empty scope', () => {
  assert.deepEqual(statsParams('', { from: 'a', to: 'b' }, 'day'), { from: 'a', to: 'b', by: 'day' })
  assert.deepEqual(statsParams('371302'), { under: '371302' })
})

test('counts are grouped by thousands', () => {
  assert.equal(formatCount(0), '0')
  assert.equal(formatCount(999), '999')
  assert.equal(formatCount(1000), '1,000')
  assert.equal(formatCount(1234567), '1,234,567')
  assert.equal(formatCount(1234567, { grouping: false }), '1234567')
  assert.equal(formatCount(-1500), '-1,500')
  assert.equal(formatCount(12.6), '13')
  assert.equal(formatCount(null), '')
})

test('rates read as percentages, null as a dash', () => {
  assert.equal(percentText(0.9592), '95.9%')
  assert.equal(percentText(1), '100%')
  assert.equal(percentText(0), '0%')
  assert.equal(percentText(null), '—')
  assert.equal(percentText(undefined), '—')
})

test("a day's figures come from the by=day answer", () => {
  const byDay = { groups: [{ key: '2026-11-23', counts: { reported: 3, closed: 1, open: 2 } }] }
  assert.equal(dayStats(byDay, '2026-11-23').counts.reported, 3)
  const none = dayStats(byDay, '2026-11-24').counts
  assert.equal(none.reported, 0)
  assert.equal(none.open, 0)
  assert.ok(Object.values(none).every((v) => v === 0))
})

test('the trend has every day of the range, missing days as 0', () => {
  const stats = {
    groups: [
      { key: '2026-11-01', counts: { reported: 3, closed: 2 } },
      { key: '2026-11-03', counts: { reported: 5, closed: 0 } },
    ],
  }
  const s = trendSeries(stats, { from: '2026-11-01', to: '2026-11-04' })
  assert.deepEqual(s.days, ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'])
  assert.deepEqual(s.reported, [3, 0, 5, 0])
  assert.deepEqual(s.closed, [2, 0, 0, 0])
})

test('top groups with the rest summed as "other"', () => {
  const groups = [
    { key: 'a', name: 'A', counts: { reported: 1 } },
    { key: 'b', name: 'B', counts: { reported: 9 } },
    { key: 'c', name: 'C', counts: { reported: 4 } },
    { key: 'd', name: 'D', counts: { reported: 4 } },
    { key: 'e', name: 'E', counts: { reported: 0 } },
  ]
  const top = topWithOther(groups, { top: 2 })
  assert.deepEqual(
    top.map((g) => [g.key, g.value]),
    [
      ['b', 9],
      ['c', 4],
      [null, 5],
    ],
  )
  assert.equal(top[2].others, 2)
  assert.equal(topWithOther(groups, { top: 8 }).length, 4, 'no "other" when all fit; zeros left out')
})

test('units rank by on-time rate, then completion, then cases due; undispatched and unrated left out', () => {
  const g = (key, onTime, completion, due) => ({
    key,
    name: `U${key}`,
    counts: { due, suspended: 0, reported: due },
    rates: { on_time_rate: onTime, completion_rate: completion },
  })
  const rows = rankUnits([g('0', 1, 1, 50), g('1', 0.8, 0.9, 10), g('2', 0.9, 0.9, 5), g('3', 0.9, 1, 2), g('4', null, null, 0), g('5', 0.9, 1, 7)])
  assert.deepEqual(
    rows.map((r) => r.key),
    ['5', '3', '2', '1'],
  )
  assert.equal(rankUnits(Array.from({ length: 15 }, (_, i) => g(String(i + 1), 0.5, 0.5, i))).length, 10)
})

test('the map draws the children of the division shown', () => {
  assert.equal(childLevel(''), 'county')
  assert.equal(childLevel('37'), 'county')
  assert.equal(childLevel('3713'), 'county')
  assert.equal(childLevel('371302'), 'street')
  assert.equal(childLevel('371302004'), 'community')
  assert.equal(childLevel('371302004001'), 'grid')
  assert.equal(childLevel('371302004001001'), 'grid')
  assert.equal(statsGroupFor('county'), 'street')
  assert.equal(statsGroupFor('community'), 'community')
})

test('counts are summed per code of the drawn level', () => {
  const groups = [
    { key: '371302004', counts: { open: 2, reported: 10, closed: 8, overdue: 1 } },
    { key: '371302005', counts: { open: 3, reported: 4, closed: 1, overdue: 0 } },
    { key: '371311001', counts: { open: 1, reported: 1, closed: 0, overdue: 0 } },
    { key: '', counts: { open: 9, reported: 9, closed: 0, overdue: 0 } },
  ]
  const counties = countsByCode(groups, 'county')
  assert.deepEqual(counties.get('371302'), { open: 5, reported: 14, closed: 9, overdue: 1 })
  assert.equal(counties.get('371311').open, 1)
  assert.equal(counties.size, 2, 'cases without a division code are left out')
  assert.equal(countsByCode(groups, 'street').get('371302005').open, 3)
})

test('colour classes have round bounds up to the largest value', () => {
  assert.equal(niceStep(0.3), 1)
  assert.equal(niceStep(3), 5)
  assert.equal(niceStep(9.25), 10)
  assert.equal(niceStep(12), 20)
  assert.equal(niceStep(22), 25)
  const c = openClasses([0, 3, 37, 12])
  assert.deepEqual(c.breaks, [10, 20, 30, 40])
  assert.equal(c.classOf(0), 0)
  assert.equal(c.classOf(1), 1)
  assert.equal(c.classOf(10), 1)
  assert.equal(c.classOf(11), 2)
  assert.equal(c.classOf(37), 4)
  assert.deepEqual(
    legendRows(c).map((r) => [r.from, r.to]),
    [
      [0, 0],
      [1, 10],
      [11, 20],
      [21, 30],
      [31, 40],
    ],
  )
  const small = openClasses([0, 2])
  assert.deepEqual(small.breaks, [1, 2, 3, 4])
  assert.deepEqual(
    legendRows(small).map((r) => [r.from, r.to]),
    [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
    'classes above the largest value are not listed',
  )
  assert.deepEqual(legendRows(openClasses([0, 0])).length, 1, 'nothing open: only the "none" row')
})

test('boxes', () => {
  assert.deepEqual(geometryBbox({ type: 'Polygon', coordinates: [[[1, 2], [3, 1], [2, 5], [1, 2]]] }), [1, 1, 3, 5])
  assert.deepEqual(
    geometryBbox({ type: 'MultiPolygon', coordinates: [[[[1, 2], [3, 1], [2, 5]]], [[[-1, 0], [0, 0], [0, 1]]]] }),
    [-1, 0, 3, 5],
  )
  assert.equal(geometryBbox(null), null)
  assert.deepEqual(growBbox([0, 0, 2, 4], 0.5), [-1, -2, 3, 6])
  assert.deepEqual(intersectBbox([0, 0, 10, 10], [5, 5, 20, 20]), [5, 5, 10, 10])
  assert.equal(intersectBbox([0, 0, 1, 1], [2, 2, 3, 3]), null)
  assert.ok(bboxContains([0, 0, 10, 10], [1, 1, 9, 9]))
  assert.ok(!bboxContains([0, 0, 10, 10], [1, 1, 11, 9]))
})

test('ticker items from live messages and listed cases', () => {
  const message = {
    type: 'case_event',
    case: { id: 30813, status: 'closed', category: '0101', territory: '371302004001002', grid: '371302004001002', location: [118.3036, 35.0525] },
    event: { seq: 10, at: '2026-11-26T10:15:02+08:00', action: 'close', from: 'evaluated', to: 'closed', role: 'operator' },
  }
  const item = tickerItemOf(message)
  assert.deepEqual(item, {
    key: '30813:10',
    id: 30813,
    at: '2026-11-26T10:15:02+08:00',
    action: 'close',
    status: 'closed',
    category: '0101',
    place: '371302004001002',
    location: { lon: 118.3036, lat: 35.0525 },
    live: true,
  })
  assert.equal(tickerItemOf({ type: 'hello', under: '371302' }), null)
  assert.equal(tickerItemOf({ ...message, case: { ...message.case, location: undefined, grid: null } }).location, null)
  assert.equal(tickerItemOf({ ...message, case: { ...message.case, grid: null } }).place, '371302004001002')

  const listed = tickerItemOfCase({ id: 7, status: 'dispatched', category: null, grid: null, territory: '371302004', reported_at: 'x', location: null })
  assert.equal(listed.action, 'report')
  assert.equal(listed.place, '371302004')
  assert.equal(listed.live, false)

  let items = []
  for (let i = 0; i < 5; i++) items = pushTicker(items, { key: String(i) }, 3)
  assert.deepEqual(
    items.map((x) => x.key),
    ['4', '3', '2'],
  )
  items = pushTicker(items, { key: '2' }, 3)
  assert.deepEqual(
    items.map((x) => x.key),
    ['2', '4', '3'],
    'a repeated event moves to the top once',
  )
})

test('place labels name the street and the deepest division below the screen territory', () => {
  const path = [
    { code: '371302004001001', name: '柳青苑社区第1网格', level: 'grid' },
    { code: '371302004001', name: '柳青苑社区', level: 'community' },
    { code: '371302004', name: '柳青街道', level: 'street' },
    { code: '371302', name: '兰山区', level: 'county' },
    { code: '3713', name: '临沂市', level: 'city' },
    { code: '37', name: '山东省', level: 'province' },
  ]
  assert.equal(placeLabel(path, '371302'), '柳青街道 柳青苑社区第1网格')
  assert.equal(placeLabel(path, '371302004'), '柳青苑社区第1网格')
  assert.equal(placeLabel(path.slice(2), '371302'), '柳青街道')
  assert.equal(placeLabel(path.slice(2), '371302004'), '柳青街道', 'the territory itself')
  assert.equal(placeLabel(path, ''), '柳青街道 柳青苑社区第1网格')
})
