// The browser tests' harness: a demo database built by the civicgrid binary in a temporary directory,
// `civicgrid serve` on a free port with the built web UI, the demo accounts, API calls for set-up and
// look-ups, and Debian's chromium through playwright-core (no browser download).
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.CIVICGRID_CHROMIUM || '/usr/bin/chromium'
// The repository's root: `demo build` reads data/ from there.
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

// Prints one progress line (the harness's own log, beside the test's assertions).
export function step(text) {
  const at = new Date().toISOString().slice(11, 19)
  process.stdout.write(`[${at}] ${text}\n`)
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// Runs the binary to completion; throws with its output when it fails.
export function run(bin, args, env = {}) {
  const r = spawnSync(bin, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

// The demo accounts file written by `demo build`: {username: {role, password}}.
export function readAccounts(path) {
  const out = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('USERNAME')) continue
    const [username, role, password] = line.trim().split(/\s+/)
    out[username] = { role, password }
  }
  return out
}

// A demo server: build the database (a short history keeps it quick), start serving, wait for
// /healthz. stop() ends it (SIGTERM) and removes the directory.
export async function startDemo({ bin, webRoot, historyDays = 3 }) {
  const dir = mkdtempSync(join(tmpdir(), 'civicgrid-e2e-'))
  const db = join(dir, 'demo.db')
  const env = {
    CIVICGRID_PASSWORD_COST: 'minimal',
    CIVICGRID_PUBLIC_WRITES_PER_HOUR: '1000',
    CIVICGRID_ATTACHMENTS_DIR: join(dir, 'attachments'),
    CIVICGRID_LOG_FORMAT: 'json',
    CIVICGRID_LOG_LEVEL: 'warn',
  }
  step(`building the demo database (${historyDays} days of history) in ${dir}`)
  run(bin, ['--db', db, 'demo', 'build', '--history-days', String(historyDays)], env)
  const accounts = readAccounts(`${db}.accounts`)
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  step(`serving on ${base}`)
  const child = spawn(bin, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--web-root', webRoot, '--overdue-interval', '3600'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-20000)
  })
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`civicgrid serve exited ${child.exitCode}\n${stderr}`)
    try {
      const r = await fetch(`${base}/healthz`)
      if (r.ok) break
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`civicgrid serve did not answer /healthz within 120 s\n${stderr}`)
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    dir,
    db,
    base,
    accounts,
    env,
    bin,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL')
            resolve()
          }, 15_000)
          child.on('exit', () => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// A JSON API client of the demo server for one user (or nobody).
export class Api {
  constructor(base, token = '') {
    this.base = base
    this.token = token
  }
  static async signIn(demo, username, password = demo.accounts[username]?.password) {
    const api = new Api(demo.base)
    const r = await api.call('POST', '/api/v1/auth/login', { username, password })
    api.token = r.token
    api.user = r.user
    return api
  }
  async call(method, path, body) {
    const headers = { Accept: 'application/json' }
    if (this.token) headers.Authorization = `Bearer ${this.token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`)
    return text ? JSON.parse(text) : undefined
  }
  get(path) {
    return this.call('GET', path)
  }
  post(path, body) {
    return this.call('POST', path, body ?? {})
  }
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM} (scripts/install-deps.sh --with-browser installs it)`)
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] })
}

// A page signed in as `username` (through the login page), at `viewport`.
export async function signedInPage(browser, demo, username, { viewport = { width: 1440, height: 900 }, mobile = false, lang = 'zh-CN' } = {}) {
  const context = await browser.newContext({
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    deviceScaleFactor: 1,
    locale: lang,
    timezoneId: 'Asia/Shanghai',
  })
  const page = await context.newPage()
  await page.goto(`${demo.base}/login?lang=${lang}`)
  await page.locator('input[data-test=username], [data-test=username] input').first().fill(username)
  await page.locator('input[data-test=password], [data-test=password] input').first().fill(demo.accounts[username].password)
  await page.locator('[data-test=sign-in]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 })
  return page
}

// Saves a screenshot of `page` as NAME.png in `dir`.
export async function shoot(page, dir, name) {
  mkdirSync(dir, { recursive: true })
  await page.waitForTimeout(800) // let dialogs, toasts and map animations settle
  await page.screenshot({ path: join(dir, `${name}.png`) })
  step(`screenshot ${name}.png`)
}

// A valid PNG photo (`size`×`size`, a blue-green gradient) to upload.
export function photoFile(name = 'photo.png', size = 64) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // RGB
  const rows = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3)
    for (let x = 0; x < size; x++) {
      row[1 + x * 3] = 20
      row[2 + x * 3] = Math.round((x / size) * 200) + 40
      row[3 + x * 3] = Math.round((y / size) * 200) + 40
    }
    rows.push(row)
  }
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
  return { name, mimeType: 'image/png', buffer: png }
}
