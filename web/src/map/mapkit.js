// Shared Leaflet set-up for civicgrid maps: no base layer (there is no tile server), a neutral
// background, vector polygons drawn on canvas, and the styles of each division level. Later views
// (big screen, workbenches) can build on createMap() and the helpers here.
import L from 'leaflet'
import 'leaflet/dist/leaflet.css'
import { api } from '../api.js'
import { CODE_LENGTHS, levelOfCode } from '../levels.js'

// The demo territory (five Shandong cities); replaced by the data's own extent once it is loaded.
export const DEFAULT_BOUNDS = L.latLngBounds([34.37, 114.81], [37.29, 121.4])
// Wide enough to hold every county of any real territory.
const EVERYWHERE = [-180, -90, 180, 90]

export function createMap(element, { bounds = DEFAULT_BOUNDS } = {}) {
  const map = L.map(element, {
    attributionControl: false,
    zoomControl: false,
    preferCanvas: true,
    minZoom: 5,
    maxZoom: 18,
    zoomSnap: 0.25,
    zoomDelta: 1,
    wheelPxPerZoomLevel: 90,
    renderer: L.canvas({ padding: 0.3, tolerance: 2 }),
  })
  L.control.zoom({ position: 'topleft' }).addTo(map)
  L.control.scale({ position: 'bottomright', imperial: false }).addTo(map)
  for (const [name, zIndex] of [['highlight', 450], ['labels', 460], ['marker', 620]]) {
    const pane = map.createPane(name)
    pane.style.zIndex = String(zIndex)
    if (name === 'labels') pane.style.pointerEvents = 'none'
  }
  map.fitBounds(bounds)
  return map
}

// Soft pastel fills; neighbouring codes get different colours.
const PALETTE = ['#8ecae6', '#b5e48c', '#ffd6a5', '#bdb2ff', '#ffadad', '#a0c4ff', '#fdffb6', '#caffbf', '#ffc6ff', '#9bf6ff', '#f1c0e8', '#d0f4de']

export function colourFor(code) {
  let h = 2166136261
  for (const ch of String(code)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619)
  return PALETTE[(h >>> 0) % PALETTE.length]
}

const BASE_STYLES = {
  county: { color: '#50607a', weight: 1.4, fillOpacity: 0.5 },
  street: { color: '#5a6a86', weight: 1.1, fillOpacity: 0.45 },
  community: { color: '#6a7a94', weight: 0.9, fillOpacity: 0.42 },
  grid: { color: '#6f7f99', weight: 0.8, fillOpacity: 0.4 },
}

export function styleFor(feature) {
  const p = feature.properties ?? {}
  const base = BASE_STYLES[p.level] ?? BASE_STYLES.grid
  // Grids share their community's hue so communities read as blocks; dedicated grids are dashed.
  const colourKey = p.level === 'grid' && p.community ? p.community : p.code
  return {
    ...base,
    fillColor: colourFor(colourKey),
    dashArray: p.kind === 'dedicated' ? '4 3' : null,
  }
}

export const HOVER_STYLE = { color: '#1d4ed8', weight: 2.5, fillOpacity: 0.65 }
export const SELECTED_STYLE = { color: '#c0392b', weight: 3, fill: true, fillColor: '#c0392b', fillOpacity: 0.06 }
export const NEAREST_LINE_STYLE = { color: '#d35400', weight: 2, dashArray: '6 6', interactive: false }
export const LOCATED_STYLE = { color: '#d35400', weight: 3, fill: true, fillColor: '#f39c12', fillOpacity: 0.35 }

// [minLon, minLat, maxLon, maxLat], rounded (6 decimals is ~0.1 m) and clamped to the world.
export function boundsToBbox(bounds) {
  const r = (v) => Math.round(v * 1e6) / 1e6
  return [
    r(Math.max(-180, bounds.getWest())),
    r(Math.max(-90, bounds.getSouth())),
    r(Math.min(180, bounds.getEast())),
    r(Math.min(90, bounds.getNorth())),
  ]
}

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
}

export function featureBounds(features) {
  const bounds = L.latLngBounds([])
  for (const f of features) bounds.extend(L.geoJSON(f).getBounds())
  return bounds
}

// The county layer of the whole territory (small: simplified shapes), fetched once per page.
let overviewPromise = null
export function countyOverview() {
  if (!overviewPromise) {
    overviewPromise = api.grids({ bbox: EVERYWHERE, level: 'county', limit: 50000 }).catch((err) => {
      overviewPromise = null
      throw err
    })
  }
  return overviewPromise
}

// The boundary features of any division, for zooming to it and outlining it: a grid's own shape;
// a county's simplified shape; a city's or province's counties; a street or community found in
// the layer of its level inside its parent's extent. Resolves to [] if the map has no shape.
const shapeCache = new Map() // code → features, the last few looked up
export async function divisionShape(code, { signal } = {}) {
  if (shapeCache.has(code)) return shapeCache.get(code)
  const features = await findDivisionShape(code, { signal })
  shapeCache.set(code, features)
  if (shapeCache.size > 64) shapeCache.delete(shapeCache.keys().next().value)
  return features
}

async function findDivisionShape(code, { signal }) {
  const level = levelOfCode(code)
  if (!level) return []
  if (level === 'grid') return [await api.grid(code, { signal })]
  const overview = await countyOverview()
  if (level === 'province' || level === 'city' || level === 'county') {
    return overview.features.filter((f) => String(f.properties.code).startsWith(code))
  }
  const parentCode = code.slice(0, level === 'street' ? CODE_LENGTHS.county : CODE_LENGTHS.street)
  const parent = await divisionShape(parentCode, { signal })
  if (!parent.length) return []
  const b = featureBounds(parent)
  const layer = await api.grids({ bbox: boundsToBbox(b), level, limit: 50000 }, { signal })
  return layer.features.filter((f) => f.properties.code === code)
}

// Where to write an area's name: the centroid of its largest outer ring (islands and enclaves
// do not drag it out to sea, as the bounding-box centre would), with that ring's extent.
export function labelAnchor(geometry) {
  const polygons =
    geometry?.type === 'Polygon' ? [geometry.coordinates] : geometry?.type === 'MultiPolygon' ? geometry.coordinates : []
  let best = null
  for (const polygon of polygons) {
    const ring = polygon[0] ?? []
    let area2 = 0
    let cx = 0
    let cy = 0
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let i = 0; i < ring.length; i++) {
      const [x0, y0] = ring[i]
      const [x1, y1] = ring[(i + 1) % ring.length]
      const cross = x0 * y1 - x1 * y0
      area2 += cross
      cx += (x0 + x1) * cross
      cy += (y0 + y1) * cross
      minX = Math.min(minX, x0)
      minY = Math.min(minY, y0)
      maxX = Math.max(maxX, x0)
      maxY = Math.max(maxY, y0)
    }
    if (!ring.length || (best && Math.abs(area2) <= best.area)) continue
    const centre = area2 !== 0 ? [cx / (3 * area2), cy / (3 * area2)] : [(minX + maxX) / 2, (minY + maxY) / 2]
    best = { area: Math.abs(area2), lng: centre[0], lat: centre[1], bounds: L.latLngBounds([minY, minX], [maxY, maxX]) }
  }
  return best
}
