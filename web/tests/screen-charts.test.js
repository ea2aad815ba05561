import { test } from 'node:test'
import assert from 'node:assert/strict'
import { translate } from '../src/i18n.js'
import { categoryName, categoryOption, categoryRest, channelItems, channelOption, trendOption } from '../src/components/screen/charts.js'

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

test('categories: top 8 largest on top, the rest summed apart, unclassified translated', () => {
  const groups = [{ key: '', name: '未分类', counts: { reported: 50 } }]
  for (let i = 1; i <= 10; i++) groups.push({ key: `01${String(i).padStart(2, '0')}`, name: `C${i}`, counts: { reported: i } })
  const o = categoryOption({ groups }, tr('en'))
  const names = o.yAxis.data
  assert.equal(names.length, 8)
  assert.equal(names[7], 'Not classified', 'the largest is drawn last, at the top')
  assert.equal(names[0], 'C4')
  assert.deepEqual(o.series[0].data, [4, 5, 6, 7, 8, 9, 10, 50])
  assert.deepEqual(categoryRest({ groups }), { categories: 3, cases: 6 })
  assert.equal(categoryRest({ groups: groups.slice(0, 3) }), null)
  assert.equal(categoryName({ key: null, others: 2 }, tr('zh-CN').t), '其他（2 类）')
})

test('channels are translated, largest first, with shares', () => {
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
  const o = channelOption(stats, tr('zh-CN'))
  assert.deepEqual(
    o.series[0].data.map((d) => d.name),
    ['网格员上报', '12345 热线', '无人机巡查'],
  )
  assert.match(o.series[0].data[0].label.formatter(), /100/)
})
