#!/usr/bin/env node
// The browser tests (make test runs them through CTest): one case from a resident's report to the
// resident's rating, through every role's screen, in Debian's chromium driven by playwright-core.
//
//   node e2e/run.mjs --bin PATH/civicgrid [--web-root web/dist] [--out DIR] [--docs ../docs/screenshots]
//                    [--history-days N]
//
// --out keeps a screenshot of each main screen; --docs also copies them there (to refresh the
// committed set shown in the README). Exits non-zero on the first failed expectation.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { launchBrowser, startDemo, step } from './harness.mjs'
import { flow } from './flow.mjs'

const { values: args } = parseArgs({
  options: {
    bin: { type: 'string' },
    'web-root': { type: 'string', default: 'dist' },
    out: { type: 'string', default: join(process.cwd(), '..', 'build', 'screenshots') },
    docs: { type: 'string' },
    'history-days': { type: 'string', default: '3' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (args.help || !args.bin) {
  process.stdout.write(
    'usage: node e2e/run.mjs --bin PATH/civicgrid [--web-root web/dist] [--out DIR] [--docs docs/screenshots]\n' +
      '                        [--history-days N]  (days of demo history: default 3; 365 for the README screenshots)\n',
  )
  process.exit(args.help ? 0 : 2)
}

const started = Date.now()
const historyDays = Number(args['history-days'])
if (!Number.isInteger(historyDays) || historyDays < 0 || historyDays > 3650) {
  process.stderr.write(`--history-days must be a whole number from 0 to 3650, not '${args['history-days']}'\n`)
  process.exit(2)
}
const demo = await startDemo({ bin: resolve(args.bin), webRoot: resolve(args['web-root']), historyDays })
const browser = await launchBrowser()
let failed = false
try {
  await flow({ demo, browser, out: resolve(args.out) })
  step(`all browser checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (args.docs) {
    mkdirSync(args.docs, { recursive: true })
    for (const f of readdirSync(args.out).filter((n) => n.endsWith('.png'))) copyFileSync(join(args.out, f), join(args.docs, f))
    step(`screenshots copied to ${args.docs}`)
  }
} catch (err) {
  failed = true
  process.stderr.write(`browser test failed: ${err?.stack ?? err}\n`)
  process.stderr.write(`server log (last lines):\n${demo.stderr().split('\n').slice(-30).join('\n')}\n`)
} finally {
  await browser.close()
  await demo.stop()
}
process.exit(failed ? 1 : 0)
