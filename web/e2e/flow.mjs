// One case through every screen: a resident reports by tapping the map and gets a tracking code; an
// operator accepts and dispatches it; unit staff acknowledge and resolve it with a photo; a grid worker
// verifies it; the resident rates it; the big screen's counters move without a reload; a grid worker
// of another grid cannot open it. Screenshots of each main screen go to `out`.
import assert from 'node:assert/strict'
import { Api, photoFile, run, shoot, signedInPage, step } from './harness.mjs'

const PHONE = { width: 390, height: 844 }
const DESK = { width: 1440, height: 900 }
const WALL = { width: 1920, height: 1080 }

// Waits until `locator`'s attribute `name` equals `value` (the screens mark states as data-status).
async function attributeIs(locator, name, value, timeout = 30_000) {
  const deadline = Date.now() + timeout
  let last
  while (Date.now() < deadline) {
    last = await locator.getAttribute(name).catch(() => undefined)
    if (last === value) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${name} stayed '${last}', expected '${value}'`)
}

// A number shown in an element ("1,234", "87.5%" → 1234, 87.5).
async function numberIn(locator) {
  const text = (await locator.innerText()).replace(/[,\s]/g, '')
  const n = Number.parseFloat(text)
  return Number.isNaN(n) ? undefined : n
}

// A point inside `grid` (a GeoJSON Feature): the centre of its box if the grid holds it, else a point
// between the box centre and the first vertex, checked with /locate.
async function pointInside(api, grid) {
  const ring = grid.geometry.type === 'Polygon' ? grid.geometry.coordinates[0] : grid.geometry.coordinates[0][0]
  const xs = ring.map((p) => p[0])
  const ys = ring.map((p) => p[1])
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2
  for (const f of [0, 0.3, 0.6, 0.8]) {
    const lon = cx + (ring[0][0] - cx) * f
    const lat = cy + (ring[0][1] - cy) * f
    const where = await api.get(`/api/v1/locate?lon=${lon}&lat=${lat}`)
    if (where.inside && where.grid?.code === grid.properties.code) return { lon, lat }
  }
  throw new Error(`no point found inside grid ${grid.properties.code}`)
}

// The text field, textarea or file input named `name` (Element Plus puts data-test on the native
// element itself or on a wrapper, depending on the component).
function textarea(scope, name) {
  return scope.locator(`textarea[data-test=${name}], [data-test=${name}] textarea`).first()
}
function fileInput(scope, name) {
  return scope.locator(`input[type=file][data-test=${name}], [data-test=${name}] input[type=file]`).first()
}

// Runs one action from the case screen: its button, then what the dialog needs, then confirm.
async function act(page, action, { note, photo, select } = {}) {
  await page.locator(`[data-test=action-${action}]`).first().click()
  const dialog = page.locator('.el-dialog:visible, .el-drawer:visible, [data-test=action-sheet]:visible').last()
  if (select) await select(dialog)
  if (note) await textarea(dialog, 'action-note').fill(note)
  if (photo) await fileInput(dialog, 'action-photo').setInputFiles(photoFile())
  if (photo) await page.waitForTimeout(300)
  await dialog.locator('[data-test=action-confirm]').click()
}

// Picks the option showing `text` in an Element Plus select opened by clicking `trigger`.
async function choose(page, trigger, text) {
  await trigger.click()
  const option = page.locator('.el-select-dropdown__item:visible, .el-cascader-node:visible', { hasText: text }).first()
  await option.click()
}

export async function flow({ demo, browser, out }) {
  // Look-ups for the set-up, through the API.
  const operator = await Api.signIn(demo, 'demo-operator')
  const gridworker = await Api.signIn(demo, 'demo-gridworker')
  const unit = await Api.signIn(demo, 'demo-unit')
  const gridCode = gridworker.user.grants.map((g) => g.split('@')[1]).find((c) => c && c.length === 15)
  assert.ok(gridCode, 'the demo grid worker has a grid')
  const grid = await operator.get(`/api/v1/grids/${gridCode}`)
  const spot = await pointInside(operator, grid)
  const unitId = Number(unit.user.grants.map((g) => g.split('#')[1]).find(Boolean))
  const units = await operator.get('/api/v1/units')
  const unitName = (units.units ?? units).find((u) => u.id === unitId).name
  // A grid worker of another grid of the same community.
  const community = await operator.get(`/api/v1/divisions/${gridCode.slice(0, 12)}`)
  const otherGrid = community.children.map((c) => c.code).find((c) => c !== gridCode)
  assert.ok(otherGrid, 'the community has a second grid')
  run(demo.bin, ['--db', demo.db, 'user', 'add', 'other-gridworker', '--role', `grid_worker@${otherGrid}`, '--password', 'other grid worker 1'], demo.env)
  demo.accounts['other-gridworker'] = { role: 'grid_worker', password: 'other grid worker 1' }
  const categories = await operator.get('/api/v1/categories')
  const minors = (categories.categories ?? categories).filter((c) => c.code.length === 4 && c.active !== false)
  const category = minors.find((c) => c.name === '暖气不热') ?? minors[0]

  // The big screen, open from the start.
  step('big screen (demo-leader)')
  const wall = await signedInPage(browser, demo, 'demo-leader', { viewport: WALL })
  await wall.goto(`${demo.base}/screen`)
  const todayKpi = wall.locator('[data-test=kpi-today-reported]')
  await todayKpi.waitFor({ timeout: 30_000 })
  await attributeIs(wall.locator('[data-test=live-status]'), 'data-state', 'open')
  const reportedBefore = await numberIn(todayKpi)
  const tickerBefore = await wall.locator('[data-test=ticker-item]').count()

  // 1. A resident reports by tapping the map, with a photo, and gets a tracking code.
  step('resident reports')
  const residentContext = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const resident = await residentContext.newPage()
  const marker = `浏览器测试 ${Date.now()}`
  await resident.goto(`${demo.base}/report?at=${spot.lon},${spot.lat},17`)
  await resident.locator('[data-test=report-map]').waitFor()
  await resident.waitForTimeout(500)
  await resident.locator('[data-test=report-map]').tap()
  await resident.locator('[data-test=report-place]', { hasText: /\S/ }).waitFor()
  await textarea(resident, 'report-description').fill(`${marker}：家里暖气片不热，室温只有十四度。`)
  await fileInput(resident, 'report-photo').setInputFiles(photoFile('radiator.png'))
  await resident.waitForTimeout(500)
  await shoot(resident, out, 'resident-report')
  await resident.locator('[data-test=report-submit]').click()
  const codeEl = resident.locator('[data-test=tracking-code]')
  await codeEl.waitFor({ timeout: 30_000 })
  const code = (await codeEl.innerText()).trim()
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/, `a tracking code, not '${code}'`)
  await shoot(resident, out, 'resident-tracking-code')
  const found = await operator.get(`/api/v1/cases?q=${encodeURIComponent(marker)}`)
  assert.equal(found.cases.length, 1, 'the report is one case')
  const id = found.cases[0].id
  assert.equal(found.cases[0].grid, gridCode, 'the tapped point lies in the grid worker grid')

  // The big screen moves without a reload.
  step('big screen counts the report')
  await wall.waitForFunction(
    ([sel, before]) => {
      const n = Number.parseFloat(document.querySelector(sel)?.innerText.replace(/[,\s]/g, ''))
      return n > before
    },
    ['[data-test=kpi-today-reported]', reportedBefore ?? -1],
    { timeout: 30_000 },
  )
  assert.ok((await wall.locator('[data-test=ticker-item]').count()) > tickerBefore || tickerBefore >= 1, 'a ticker item')

  // 2. An operator accepts and dispatches it.
  step('operator accepts and dispatches')
  const desk = await signedInPage(browser, demo, 'demo-operator', { viewport: DESK })
  await desk.goto(`${demo.base}/workbench?case=${id}`)
  const detail = desk.locator('[data-test=case-detail]')
  await attributeIs(detail, 'data-status', 'reported')
  await shoot(desk, out, 'operator-workbench')
  await act(desk, 'accept')
  await attributeIs(detail, 'data-status', 'accepted')
  await act(desk, 'dispatch', {
    select: async (dialog) => {
      const cat = dialog.locator('[data-test=action-category]')
      if (await cat.count()) await choose(desk, cat, category.name)
      await choose(desk, dialog.locator('[data-test=action-unit]'), unitName)
    },
  })
  await attributeIs(detail, 'data-status', 'dispatched')

  // 3. Unit staff acknowledge and resolve it with a photo.
  step('unit staff acknowledge and resolve')
  const unitPage = await signedInPage(browser, demo, 'demo-unit', { viewport: DESK })
  await unitPage.goto(`${demo.base}/unit?case=${id}`)
  const unitDetail = unitPage.locator('[data-test=case-detail]')
  await attributeIs(unitDetail, 'data-status', 'dispatched')
  await act(unitPage, 'acknowledge')
  await attributeIs(unitDetail, 'data-status', 'acknowledged')
  await act(unitPage, 'resolve', { note: '已排查管网并放气，暖气恢复正常，室温二十度。', photo: true })
  await attributeIs(unitDetail, 'data-status', 'resolved')
  await shoot(unitPage, out, 'unit-workbench')

  // 4. The grid worker verifies it on site.
  step('grid worker verifies')
  const phone = await signedInPage(browser, demo, 'demo-gridworker', { viewport: PHONE, mobile: true })
  await phone.goto(`${demo.base}/grid?case=${id}`)
  const view = phone.locator('[data-test=case-view]')
  await attributeIs(view, 'data-status', 'resolved')
  await act(phone, 'verify_pass', { photo: true })
  await attributeIs(view, 'data-status', 'verified')
  await shoot(phone, out, 'grid-worker-case')

  // 5. The resident rates it by the tracking code.
  step('resident rates')
  await resident.goto(`${demo.base}/track/${code}`)
  await attributeIs(resident.locator('[data-test=track-status]'), 'data-status', 'verified')
  await resident.locator('[data-test=rate-satisfied]').click()
  await resident.locator('[data-test=rate-submit]').click()
  await resident.locator('[data-test=rate-done]').waitFor({ timeout: 30_000 })
  await attributeIs(resident.locator('[data-test=track-status]'), 'data-status', 'evaluated')
  await shoot(resident, out, 'resident-tracking')
  const after = await operator.get(`/api/v1/cases/${id}`)
  assert.equal(after.status, 'evaluated')
  assert.equal(after.evaluation, 'satisfied')

  // 6. A grid worker of another grid cannot open it.
  step('a grid worker of another grid is refused')
  const other = await signedInPage(browser, demo, 'other-gridworker', { viewport: PHONE, mobile: true })
  await other.goto(`${demo.base}/grid?case=${id}`)
  await other.locator('[data-test=case-not-found]').waitFor({ timeout: 30_000 })
  assert.equal(await other.locator('[data-test=case-view]').getAttribute('data-status'), '', 'nothing of the case shows')
  assert.equal(await other.locator('[data-test^=action-]').count(), 0, 'no action is offered')

  // The remaining screens, for the record.
  step('screenshots of the other screens')
  await shoot(wall, out, 'big-screen')
  const login = await browser.newPage({ viewport: DESK, timezoneId: 'Asia/Shanghai' })
  await login.goto(`${demo.base}/login`)
  await login.locator('[data-test=login-form]').waitFor()
  await shoot(login, out, 'login')
  const admin = await signedInPage(browser, demo, 'demo-admin', { viewport: DESK })
  await admin.goto(`${demo.base}/admin/users`)
  await admin.waitForLoadState('networkidle')
  await shoot(admin, out, 'admin-users')
  const english = await signedInPage(browser, demo, 'demo-operator', { viewport: DESK, lang: 'en' })
  await english.goto(`${demo.base}/workbench?case=${id}`)
  await attributeIs(english.locator('[data-test=case-detail]'), 'data-status', 'evaluated')
  await shoot(english, out, 'operator-workbench-en')
}
