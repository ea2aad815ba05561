// Reference data the administration sections share: unit and division names (looked up once and
// kept for the page's life), and the routing explanation for a category at a territory.
import { reactive } from 'vue'
import { api, request } from '../../api.js'

// GET /api/v1/routing?category=&territory= — api.js has no function for this route yet.
export function explainRouting(category, territory, options) {
  return request('/routing', { ...options, params: { category, territory } })
}

// Unit names by id, filled by every unit list loaded.
export const unitNames = reactive({})
const unitLists = new Map()

function remember(units) {
  for (const u of units) unitNames[u.id] = u.name
}

// The units under (or above) a division, cached per code ('' = all units).
export async function unitsUnder(under = '', { refresh = false } = {}) {
  if (!refresh && unitLists.has(under)) return unitLists.get(under)
  const answer = await api.units(under ? { under } : {})
  const units = answer.units ?? []
  remember(units)
  unitLists.set(under, units)
  return units
}

// After a unit is added or changed: forget the cached lists, keep its name.
export function unitChanged(unit) {
  unitLists.clear()
  if (unit) remember([unit])
}

// Division names by code, looked up one code at a time (the answer of /divisions/{code}).
export const divisionNames = reactive({})
const pending = new Map()

export function lookupDivision(code) {
  if (!code) return Promise.resolve(null)
  if (pending.has(code)) return pending.get(code)
  const p = api
    .division(code)
    .then((d) => {
      divisionNames[code] = d.name
      for (const c of d.children ?? []) if (!(c.code in divisionNames)) divisionNames[c.code] = c.name
      return d
    })
    .catch(() => {
      pending.delete(code)
      return null
    })
  pending.set(code, p)
  return p
}

// Looks up every code not yet named (a few at a time).
export async function nameDivisions(codes) {
  const todo = [...new Set(codes)].filter((c) => c && !(c in divisionNames))
  for (let i = 0; i < todo.length; i += 6) await Promise.all(todo.slice(i, i + 6).map(lookupDivision))
}

// Categories (public list), cached; refresh after a change.
let categoriesCache = null
export async function loadCategories({ refresh = false } = {}) {
  if (!refresh && categoriesCache) return categoriesCache
  const answer = await api.categories()
  categoriesCache = answer.categories ?? []
  return categoriesCache
}

let calendarsCache = null
export async function loadCalendars({ refresh = false } = {}) {
  if (!refresh && calendarsCache) return calendarsCache
  const answer = await api.calendars()
  calendarsCache = answer.calendars ?? []
  return calendarsCache
}
