// All messages: the common ones (zh-CN.js, en.js) and one module per screen area under areas/, each
// exporting {'zh-CN': {...}, en: {...}} with its own top-level keys. A top-level key defined twice is
// an error (tests/i18n.test.js checks both languages have the same keys).
import zhCN from './zh-CN.js'
import en from './en.js'
import auth from './areas/auth.js'
import cases from './areas/cases.js'
import workbench from './areas/workbench.js'
import unit from './areas/unit.js'
import gridWorker from './areas/grid-worker.js'
import resident from './areas/resident.js'
import screen from './areas/screen.js'
import admin from './areas/admin.js'

export const AREAS = { auth, cases, workbench, unit, gridWorker, resident, screen, admin }

function merge(base, parts, lang) {
  const out = { ...base }
  for (const [name, area] of Object.entries(parts)) {
    for (const [key, value] of Object.entries(area[lang] ?? {})) {
      if (key in out) throw new Error(`locales: "${key}" of area ${name} is defined twice (${lang})`)
      out[key] = value
    }
  }
  return out
}

export const MESSAGES = { 'zh-CN': merge(zhCN, AREAS, 'zh-CN'), en: merge(en, AREAS, 'en') }
