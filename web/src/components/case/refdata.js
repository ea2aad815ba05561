// Reference data the case screens share, fetched once per page and cached: the category catalogue,
// units (by territory), and division names (for grid and territory columns). Names land in reactive
// maps, so templates that show them update when a lookup finishes.
import { reactive } from 'vue'
import { api } from '../../api.js'
import { levelOfCode } from '../../levels.js'

function cached(loader) {
  let promise = null
  return () => {
    if (!promise) {
      promise = loader().catch((err) => {
        promise = null // a failure is retried by the next caller
        throw err
      })
    }
    return promise
  }
}

// ---- categories ---------------------------------------------------------------------------------

export const loadCategories = cached(async () => (await api.categories()).categories ?? [])

// ---- units --------------------------------------------------------------------------------------

// id → name of every unit seen so far (unit lists, case views).
export const unitNames = reactive({})

const unitLists = new Map() // under → Promise<units>
export function loadUnits(under = '') {
  if (!unitLists.has(under)) {
    const promise = api
      .units(under ? { under } : {})
      .then((answer) => {
        const units = answer.units ?? []
        for (const u of units) unitNames[u.id] = u.name
        return units
      })
      .catch((err) => {
        unitLists.delete(under)
        throw err
      })
    unitLists.set(under, promise)
  }
  return unitLists.get(under)
}

export function rememberUnit(id, name) {
  if (id && name) unitNames[id] = name
}

// ---- divisions ----------------------------------------------------------------------------------

// code → name of every division and grid looked up so far.
export const divisionNames = reactive({})

const divisions = new Map() // code → Promise<division>
export function loadDivision(code) {
  if (!divisions.has(code)) {
    const promise = api
      .division(code)
      .then((d) => {
        divisionNames[d.code] = d.name
        for (const p of d.path ?? []) divisionNames[p.code] = p.name
        for (const c of d.children ?? []) divisionNames[c.code] = c.name
        return d
      })
      .catch((err) => {
        divisions.delete(code)
        throw err
      })
    divisions.set(code, promise)
    if (divisions.size > 400) divisions.delete(divisions.keys().next().value)
  }
  return divisions.get(code)
}

// Makes the names of these codes known: a grid's through its community (one lookup names all the
// community's grids), any other division through itself. Failures leave the code without a name.
export async function nameDivisions(codes) {
  const lookups = new Set()
  for (const code of codes) {
    if (!code || divisionNames[code]) continue
    lookups.add(levelOfCode(code) === 'grid' ? code.slice(0, 12) : code)
  }
  await Promise.all([...lookups].map((code) => loadDivision(code).catch(() => null)))
}
