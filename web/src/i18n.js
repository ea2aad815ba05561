// A small i18n: a reactive locale, dotted message keys, {name} placeholders and an optional
// "singular | plural" form picked by params.n. zh-CN is the default; the choice is kept in
// localStorage and can be forced with ?lang=en or ?lang=zh-CN in the address.
import { ref, readonly } from 'vue'
import { MESSAGES } from './locales/index.js'

export const DEFAULT_LOCALE = 'zh-CN'
export const LOCALES = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'EN' },
]
export { MESSAGES }
const STORAGE_KEY = 'civicgrid.locale'

function lookup(dict, key) {
  let node = dict
  for (const part of key.split('.')) {
    if (node == null || typeof node !== 'object') return undefined
    node = node[part]
  }
  return typeof node === 'string' ? node : undefined
}

// Pure translation, usable without Vue (tests). Unknown keys fall back to zh-CN, then to the key.
export function translate(locale, key, params = {}) {
  let message = lookup(MESSAGES[locale] ?? {}, key) ?? lookup(MESSAGES[DEFAULT_LOCALE], key)
  if (message === undefined) return key
  if (message.includes(' | ')) {
    const [one, other] = message.split(' | ')
    message = Number(params.n) === 1 ? one : other
  }
  return message.replace(/\{(\w+)\}/g, (whole, name) =>
    params[name] === undefined || params[name] === null ? whole : String(params[name]),
  )
}

export function hasMessage(locale, key) {
  return lookup(MESSAGES[locale] ?? {}, key) !== undefined
}

function initialLocale() {
  if (typeof window === 'undefined') return DEFAULT_LOCALE
  try {
    const forced = new URLSearchParams(window.location.search).get('lang')
    if (forced && MESSAGES[forced]) {
      window.localStorage.setItem(STORAGE_KEY, forced)
      return forced
    }
    const saved = window.localStorage.getItem(STORAGE_KEY)
    if (saved && MESSAGES[saved]) return saved
  } catch {
    // localStorage can be unavailable (privacy mode); the default is fine.
  }
  return DEFAULT_LOCALE
}

const current = ref(initialLocale())
export const locale = readonly(current)

// Reactive: reading locale inside t() makes templates re-render when the language changes.
export function t(key, params) {
  return translate(current.value, key, params)
}

export function te(key) {
  return hasMessage(current.value, key)
}

// Numbers formatted for the current language (thousands separators).
const formats = new Map()
export function n(value, options) {
  // Building an Intl.NumberFormat is slow (locale data); keep one per language and options.
  const key = `${current.value}|${options ? JSON.stringify(options) : ''}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(current.value, options)
    formats.set(key, format)
  }
  return format.format(value)
}

export function setLocale(code) {
  if (!MESSAGES[code]) return
  current.value = code
  if (typeof document !== 'undefined') document.documentElement.lang = code
  try {
    window.localStorage.setItem(STORAGE_KEY, code)
  } catch {
    // ignore
  }
}

export function useI18n() {
  return { t, te, n, locale, setLocale, locales: LOCALES }
}

export const i18n = {
  install(app) {
    app.config.globalProperties.$t = t
    app.config.globalProperties.$n = n
    if (typeof document !== 'undefined') document.documentElement.lang = current.value
  },
}
