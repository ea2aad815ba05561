// Names written on a phone map (there is no base map to find one's way by): each area's name at the
// centroid of its largest ring, only where it fits inside the area on screen and overlaps no other
// name. The same rules as the territory map's labels, for a small screen.
import L from 'leaflet'
import { escapeHtml, labelAnchor } from '../../map/mapkit.js'

const MAX_AREAS = 400 // no labels when more areas than this are drawn

export function drawLabels(map, areaLayer, labelLayer, { charWidth = 12 } = {}) {
  labelLayer.clearLayers()
  if (!map || !areaLayer) return
  const areas = areaLayer.getLayers()
  if (areas.length > MAX_AREAS) return
  const size = map.getSize()
  const candidates = []
  for (const lyr of areas) {
    const feature = lyr.feature
    feature.labelAt ??= labelAnchor(feature.geometry) ?? false
    if (!feature.labelAt) continue
    const b = feature.labelAt.bounds
    const sw = map.latLngToContainerPoint(b.getSouthWest())
    const ne = map.latLngToContainerPoint(b.getNorthEast())
    candidates.push({ feature, w: Math.abs(ne.x - sw.x), h: Math.abs(sw.y - ne.y) })
  }
  candidates.sort((a, b) => b.w * b.h - a.w * a.h)
  const placed = []
  for (const { feature, w, h } of candidates) {
    const name = String(feature.properties?.name ?? '')
    const width = name.length * charWidth + 6
    if (!name || w < width * 1.1 || h < 22) continue
    const centre = L.latLng(feature.labelAt.lat, feature.labelAt.lng)
    const p = map.latLngToContainerPoint(centre)
    const rect = { x0: p.x - width / 2, x1: p.x + width / 2, y0: p.y - 9, y1: p.y + 9 }
    if (rect.x0 < 0 || rect.y0 < 0 || rect.x1 > size.x || rect.y1 > size.y) continue
    if (placed.some((r) => rect.x0 < r.x1 && rect.x1 > r.x0 && rect.y0 < r.y1 && rect.y1 > r.y0)) continue
    placed.push(rect)
    L.marker(centre, {
      pane: 'labels',
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: 'm-area-label', iconSize: [0, 0], html: `<span>${escapeHtml(name)}</span>` }),
    }).addTo(labelLayer)
  }
}
