#!/usr/bin/env node
// Measures the big screen on a demo server (not a test: the figures go to docs/performance.md).
//
//   node e2e/measure-screen.mjs --bin PATH/civicgrid [--web-root dist] [--runs 7] [--history-days 365]
//
// Load: a fresh browser context per run (empty cache, browser already running), signed in as
// demo-leader (兰山区), 1920×1080; the time from navigation start to the screen's "screen:ready" mark,
// which it sets in the frame after every panel is filled (figures, trend, breakdowns, ranking, map
// polygons and their counts, ticker). Panning: the mouse drags the map back and forth for 4 s while
// the page counts animation frames (the top level: 兰山区's streets over the counties around it).
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Api, launchBrowser, startDemo, step } from './harness.mjs'

const { values: args } = parseArgs({
  options: {
    bin: { type: 'string' },
    'web-root': { type: 'string', default: 'dist' },
    runs: { type: 'string', default: '7' },
    'history-days': { type: 'string', default: '365' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (args.help || !args.bin) {
  process.stdout.write('usage: node e2e/measure-screen.mjs --bin PATH/civicgrid [--web-root dist] [--runs 7] [--history-days 365]\n')
  process.exit(args.help ? 0 : 2)
}
const runs = Number(args.runs)
const historyDays = Number(args['history-days'])
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  process.stderr.write('--runs must be a whole number from 1 to 100\n')
  process.exit(2)
}
if (!Number.isInteger(historyDays) || historyDays < 0 || historyDays > 3650) {
  process.stderr.write('--history-days must be a whole number from 0 to 3650\n')
  process.exit(2)
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] }
}

// Drags the map for `ms` and answers frames per second and the slowest frame.
async function pan(page, ms) {
  const box = await page.locator('[data-test=screen-map], .screen-map, .leaflet-container').first().boundingBox()
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  await page.evaluate(() => {
    window.__frames = []
    const tick = (t) => {
      window.__frames.push(t)
      if (window.__frames.length < 100000 && !window.__stop) requestAnimationFrame(tick)
    }
    window.__stop = false
    requestAnimationFrame(tick)
  })
  await page.mouse.move(cx, cy)
  await page.mouse.down()
  const end = Date.now() + ms
  let dx = 0
  let dir = 1
  while (Date.now() < end) {
    dx += dir * 12
    if (Math.abs(dx) > box.width / 4) dir = -dir
    await page.mouse.move(cx + dx, cy + dx / 3)
  }
  await page.mouse.up()
  const frames = await page.evaluate(() => {
    window.__stop = true
    return window.__frames
  })
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b)
  const seconds = (frames[frames.length - 1] - frames[0]) / 1000
  return { fps: (frames.length - 1) / seconds, worst: gaps[gaps.length - 1], p95: gaps[Math.floor(gaps.length * 0.95)] }
}

const demo = await startDemo({ bin: resolve(args.bin), webRoot: resolve(args['web-root']), historyDays })
const browser = await launchBrowser()
try {
  const leader = await Api.signIn(demo, 'demo-leader')
  const loads = []
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Asia/Shanghai' })
    await context.addInitScript((token) => sessionStorage.setItem('civicgrid.token', token), leader.token)
    const page = await context.newPage()
    await page.goto(`${demo.base}/screen`)
    await page.waitForFunction(() => performance.getEntriesByName('screen:ready').length > 0, null, { timeout: 60_000 })
    const ms = await page.evaluate(() => performance.getEntriesByName('screen:load')[0].duration)
    loads.push(Math.round(ms))
    step(`load ${i + 1}/${runs}: ${Math.round(ms)} ms`)
    if (i === runs - 1) {
      const top = await pan(page, 4000)
      step(`pan at the top level: ${top.fps.toFixed(1)} fps, 95th percentile frame ${top.p95.toFixed(1)} ms, worst ${top.worst.toFixed(1)} ms`)
      const load = stats(loads)
      process.stdout.write(
        `\nbig screen load (ms, ${runs} runs): min ${load.min}, median ${load.median}, max ${load.max}\n` +
          `panning the map, top level: ${top.fps.toFixed(1)} fps, p95 frame ${top.p95.toFixed(1)} ms, worst ${top.worst.toFixed(1)} ms\n`,
      )
    }
    await context.close()
  }
} finally {
  await browser.close()
  await demo.stop()
}
