// Division levels and codes. A code's length gives its level; each code starts with its parent's.
export const LEVELS = ['province', 'city', 'county', 'street', 'community', 'grid']
export const CODE_LENGTHS = { province: 2, city: 4, county: 6, street: 9, community: 12, grid: 15 }
const LEVEL_BY_LENGTH = Object.fromEntries(Object.entries(CODE_LENGTHS).map(([level, len]) => [len, level]))

export function levelOfCode(code) {
  return LEVEL_BY_LENGTH[String(code).length] ?? null
}

// Checks what the user typed. Returns { ok: true, code } or { ok: false, reason, length }.
export function parseDivisionCode(input) {
  const code = String(input ?? '').replace(/\s+/g, '')
  if (!code) return { ok: false, reason: 'empty', length: 0 }
  if (!/^\d+$/.test(code)) return { ok: false, reason: 'notDigits', length: code.length }
  if (!LEVEL_BY_LENGTH[code.length]) return { ok: false, reason: 'badLength', length: code.length }
  return { ok: true, code }
}

// Which polygon level the map draws at a zoom. Tuned so one request covers at most a few
// thousand features on a large screen: the 5 demo cities hold 48 counties, 618 streets,
// 16,746 communities and 48,008 grids.
export const MAP_LEVELS = [
  { level: 'county', minZoom: 0 },
  { level: 'street', minZoom: 9 },
  { level: 'community', minZoom: 11 },
  { level: 'grid', minZoom: 13 },
]

export function mapLevelForZoom(zoom) {
  let chosen = MAP_LEVELS[0].level
  for (const entry of MAP_LEVELS) if (zoom >= entry.minZoom) chosen = entry.level
  return chosen
}
