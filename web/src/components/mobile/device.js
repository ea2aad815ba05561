// Browser-side helpers of the phone pages: the phone's position, shrinking camera photos before
// upload, copying text. Errors carry a `reason` that the pages translate (mobile.geo.*).

// The phone's position in WGS84 (what navigator.geolocation gives): {lon, lat, accuracy}.
// Rejects with an Error whose reason is 'unsupported', 'denied', 'unavailable' or 'timeout'.
export function currentPosition({ timeout = 15000, maximumAge = 30000, highAccuracy = true } = {}) {
  return new Promise((resolve, reject) => {
    const geo = globalThis.navigator?.geolocation
    if (!geo) {
      reject(Object.assign(new Error('geolocation unsupported'), { reason: 'unsupported' }))
      return
    }
    geo.getCurrentPosition(
      (pos) => resolve({ lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy }),
      (err) => {
        const reason = err?.code === 1 ? 'denied' : err?.code === 3 ? 'timeout' : 'unavailable'
        reject(Object.assign(new Error(err?.message || reason), { reason }))
      },
      { enableHighAccuracy: highAccuracy, timeout, maximumAge },
    )
  })
}

// Camera photos are often 3–8 MB; a phone network uploads a 2048 px JPEG far faster, and
// re-encoding drops the EXIF block (with its GPS position) too. Small images and anything the
// browser cannot decode are sent as they are (the server checks the type).
const MAX_SIDE = 2048
const SHRINK_ABOVE_BYTES = 1.5 * 1024 * 1024

export async function shrinkImage(file) {
  if (!file || file.size <= SHRINK_ABOVE_BYTES || typeof createImageBitmap !== 'function') return file
  let bitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    return file
  }
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height))
    const w = Math.max(1, Math.round(bitmap.width * scale))
    const h = Math.max(1, Math.round(bitmap.height * scale))
    const canvas = document.createElement('canvas')
    canvas.width = w
    canvas.height = h
    canvas.getContext('2d').drawImage(bitmap, 0, 0, w, h)
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85))
    if (!blob || blob.size >= file.size) return file
    return new File([blob], (file.name || 'photo').replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' })
  } catch {
    return file
  } finally {
    bitmap.close?.()
  }
}

// Copies text to the clipboard; answers whether it worked.
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // http pages and old browsers: a selected hidden textarea and execCommand
    try {
      const area = document.createElement('textarea')
      area.value = text
      area.setAttribute('readonly', '')
      area.style.position = 'fixed'
      area.style.opacity = '0'
      document.body.appendChild(area)
      area.select()
      const ok = document.execCommand('copy')
      area.remove()
      return ok
    } catch {
      return false
    }
  }
}
