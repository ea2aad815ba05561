// The big screen's charts from the stats answers: the ECharts option of the trend, and the items of
// the category bars and the channel ring (drawn in HTML/CSS: crisp text, no chart instance to start).
// Pure functions: the caller passes t() and n() of the current language (tests/screen-charts.test.js).
import { compareText, topWithOther, trendSeries } from './screenData.js'

export const THEME = {
  text: '#d6ecff',
  muted: '#7fa3c7',
  axis: 'rgba(127, 163, 199, 0.35)',
  split: 'rgba(127, 163, 199, 0.12)',
  cyan: '#22d3ee',
  teal: '#2dd4bf',
  amber: '#fbbf24',
  tooltipBg: 'rgba(6, 22, 46, 0.94)',
}

export const SERIES_COLOURS = ['#22d3ee', '#2dd4bf', '#60a5fa', '#a78bfa', '#fbbf24', '#f472b6', '#34d399', '#fb923c', '#94a3b8']

const FONT = 14

function tooltip(extra) {
  return {
    backgroundColor: THEME.tooltipBg,
    borderColor: 'rgba(34, 211, 238, 0.4)',
    textStyle: { color: THEME.text, fontSize: FONT },
    confine: true,
    ...extra,
  }
}

function fade(colour) {
  return {
    type: 'linear',
    x: 0,
    y: 0,
    x2: 0,
    y2: 1,
    colorStops: [
      { offset: 0, color: `${colour}66` },
      { offset: 1, color: `${colour}00` },
    ],
  }
}

// Reported vs closed per report day over the range (closed: of the cases reported that day).
export function trendOption(stats, range, { t, n }) {
  const s = trendSeries(stats, range)
  const line = (name, data, colour) => ({
    name,
    type: 'line',
    data,
    smooth: true,
    symbol: 'circle',
    symbolSize: 5,
    showSymbol: false,
    lineStyle: { width: 2.5, color: colour },
    itemStyle: { color: colour },
    areaStyle: { color: fade(colour) },
  })
  return {
    animationDuration: 0, // drawn at once when the screen opens; refreshes animate (animationDurationUpdate)
    grid: { left: 44, right: 16, top: 16, bottom: 28 },
    tooltip: tooltip({ trigger: 'axis', valueFormatter: (v) => n(v) }),
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: s.days.map((d) => d.slice(5)),
      axisLine: { lineStyle: { color: THEME.axis } },
      axisTick: { show: false },
      axisLabel: { color: THEME.muted, fontSize: 12, interval: 6 },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: THEME.muted, fontSize: 12 },
      splitLine: { lineStyle: { color: THEME.split } },
    },
    series: [line(t('screen.trend.reported'), s.reported, THEME.cyan), line(t('screen.trend.closed'), s.closed, THEME.teal)],
  }
}

// The name of a category group ("" is the unclassified cases; null key is the rest summed up).
export function categoryName(item, t) {
  if (item.key === null) return t('screen.category.other', { n: item.others })
  if (item.key === '') return t('caseField.uncategorized')
  return item.name || item.key
}

// Cases reported per category: the top 8, largest first, each with its bar length (share of the
// largest). The rest, summed up, is written apart (categoryRest): its long bar would dwarf the top 8.
export function categoryItems(stats, t) {
  const items = topWithOther(stats?.groups, { top: 8 }).filter((i) => i.key !== null)
  const max = Math.max(1, ...items.map((i) => i.value))
  return items.map((i) => ({ key: i.key, name: categoryName(i, t), value: i.value, width: i.value / max }))
}

// The rest beyond the top 8: {categories, cases}, or null when the top 8 hold everything.
export function categoryRest(stats) {
  const rest = topWithOther(stats?.groups, { top: 8 }).find((i) => i.key === null)
  return rest ? { categories: rest.others, cases: rest.value } : null
}

// Cases reported per channel, largest first: [{key, value, share, colour}] (the legend beside the ring).
export function channelItems(stats) {
  const items = (stats?.groups ?? [])
    .map((g) => ({ key: g.key, value: g.counts?.reported ?? 0 }))
    .filter((g) => g.value > 0)
    .sort((a, b) => b.value - a.value || compareText(a.key, b.key))
  const total = items.reduce((s, i) => s + i.value, 0)
  return items.map((i, index) => ({ ...i, share: total ? i.value / total : 0, colour: SERIES_COLOURS[index % SERIES_COLOURS.length] }))
}

// The ring of channelItems() as a CSS conic-gradient (segments clockwise from the top).
export function channelGradient(items) {
  if (!items.length) return 'conic-gradient(rgba(127, 163, 199, 0.2) 0 100%)'
  let from = 0
  const stops = items.map((i, index) => {
    const to = index === items.length - 1 ? 100 : Math.min(100, from + i.share * 100)
    const stop = `${i.colour} ${from.toFixed(2)}% ${to.toFixed(2)}%`
    from = to
    return stop
  })
  return `conic-gradient(${stops.join(', ')})`
}
