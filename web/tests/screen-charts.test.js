import { test } from 'node:test'
import assert from 'node:assert/strict'
import { translate } from '../src/i18n.js'
import { categoryItems, categoryName, categoryRest, channelGradient, channelItems, trendOption } from '../src/components/screen/charts.js'

const tr = (locale) => ({ t: (k, p) => translate(locale, k, p), n: (v) => String(v) })

test('the trend has both series over every day, named in the language', () => {
  const stats = { groups: [{ key: '2026-11-02', counts: { reported: 4, closed: 1 } }] }
  const o = trendOption(stats, { from: '2026-11-01', to: '2026-11-03' }, tr('en'))
  assert.deepEqual(o.xAxis.data, ['11-01', '11-02', '11-03'])
  assert.deepEqual(
    o.series.map((s) => [s.name, s.data]),
    [
      ['Reported', [0, 4, 0]],
      ['Now closed', [0, 1, 0]],
    ],
  )
  assert.equal(trendOption(stats, { from: '2026-11-01', to: '2026-11-01' }, tr('zh-CN')).series[0].name, '上报')
})

test('categories: the top 8 largest first with bar lengths, the rest summed apart, unclassified translated', () => {
  const groups = [{ key: '', name: '未分类', counts: { reported: 50 } }]
  for (let i = 1; i <= 10; i++) groups.push({ key: `01${String(i).padStart(2, '0')}`, name: `C${i}`, counts: { reported: i } })
  const items = categoryItems({ groups }, tr('en').t)
  assert.equal(items.length, 8)
  assert.deepEqual(items[0], { key: '', name: 'Not classified', value: 50, width: 1 })
  assert.deepEqual(
    items.map((i) => i.name),
    ['Not classified', 'C10', 'C9', 'C8', 'C7', 'C6', 'C5', 'C4'],
  )
  assert.equal(items[1].width, 10 / 50)
  assert.deepEqual(categoryRest({ groups }), { categories: 3, cases: 6 })
  assert.equal(categoryRest({ groups: groups.slice(0, 3) }), null)
  assert.equal(categoryName({ key: null, others: 2 }, tr('zh-CN').t), '其他（2 类）')
  assert.deepEqual(categoryItems(null, tr('en').t), [])
})

test('channels: largest first, with shares and colours, as a closed ring', () => {
  const stats = {
    groups: [
      { key: 'hotline', counts: { reported: 30 } },
      { key: 'grid_worker', counts: { reported: 60 } },
      { key: 'drone', counts: { reported: 10 } },
      { key: 'iot', counts: { reported: 0 } },
    ],
  }
  const items = channelItems(stats)
  assert.deepEqual(
    items.map((i) => [i.key, i.share]),
    [
      ['grid_worker', 0.6],
      ['hotline', 0.3],
      ['drone', 0.1],
    ],
  )
  const ring = channelGradient(items)
  assert.match(ring, /^conic-gradient\(/)
  assert.match(ring, /#22d3ee 0\.00% 60\.00%/)
  assert.match(ring, /90\.00% 100\.00%\)$/, 'the last segment closes the ring')
  assert.match(channelGradient([]), /conic-gradient/)
})
