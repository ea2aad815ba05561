import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiError, api, describeError, isAbort, request } from '../src/api.js'
import { translate } from '../src/i18n.js'

const zh = (key, params) => translate('zh-CN', key, params)
const en = (key, params) => translate('en', key, params)

function fakeFetch(status, body, contentType = 'application/json') {
  const calls = []
  const fn = async (url, init) => {
    calls.push({ url, init })
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': contentType } })
  }
  fn.calls = calls
  return fn
}

test('returns the parsed body and builds the query', async () => {
  const fetchImpl = fakeFetch(200, { inside: true })
  const out = await request('/locate', { params: { lon: 118.35, lat: 35.05, crs: 'wgs84', empty: '' }, fetchImpl })
  assert.deepEqual(out, { inside: true })
  assert.equal(fetchImpl.calls[0].url, '/api/v1/locate?lon=118.35&lat=35.05&crs=wgs84')
})

test('an API error body becomes an ApiError with code, field and status', async () => {
  const fetchImpl = fakeFetch(404, { error: { code: 'not_found', message: "no division has code '999999'", field: 'code' } })
  await assert.rejects(request('/divisions/999999', { fetchImpl }), (err) => {
    assert.ok(err instanceof ApiError)
    assert.equal(err.status, 404)
    assert.equal(err.code, 'not_found')
    assert.equal(err.field, 'code')
    assert.equal(err.message, "no division has code '999999'")
    return true
  })
})

test('a non-JSON error and an unreachable server are ApiErrors too', async () => {
  await assert.rejects(request('/x', { fetchImpl: fakeFetch(502, '<html>Bad gateway</html>', 'text/html') }), {
    name: 'ApiError',
    code: 'http',
    status: 502,
  })
  const down = async () => {
    throw new TypeError('Failed to fetch')
  }
  await assert.rejects(request('/x', { fetchImpl: down }), { name: 'ApiError', code: 'network' })
  await assert.rejects(request('/x', { fetchImpl: fakeFetch(200, 'not json', 'text/plain') }), { code: 'bad_response' })
})

test('an aborted request rethrows the AbortError', async () => {
  const controller = new AbortController()
  controller.abort()
  const fetchImpl = async (url, init) => {
    init.signal.throwIfAborted()
  }
  await assert.rejects(request('/x', { fetchImpl, signal: controller.signal }), (err) => isAbort(err))
})

test('describeError gives one readable, translated line', () => {
  const bad = new ApiError({ status: 400, code: 'invalid_argument', message: "lon must be a number, not 'abc'", field: 'lon' })
  assert.equal(describeError(bad, zh), "请求参数“经度”无效（详情：lon must be a number, not 'abc'）")
  assert.equal(describeError(bad, en), `Invalid value for "longitude" (detail: lon must be a number, not 'abc')`)
  assert.equal(describeError(new ApiError({ status: 404, code: 'not_found', message: 'x' }), zh), '未找到请求的数据')
  assert.equal(describeError(new ApiError({ code: 'network' }), en), 'Cannot reach the server; is it running?')
  assert.equal(describeError(new ApiError({ status: 418, code: 'teapot' }), en), 'Request failed (HTTP 418)')
  assert.equal(describeError(new Error('boom'), en), 'Something went wrong — boom')
  for (const text of [describeError(bad, zh), describeError(undefined, zh)]) assert.ok(!text.includes('[object'))
})

test('api helpers call the documented paths', async () => {
  const seen = []
  const real = globalThis.fetch
  globalThis.fetch = async (url) => {
    seen.push(url)
    return new Response('{}', { status: 200 })
  }
  try {
    await api.division('3713')
    await api.grids({ bbox: [116, 34.4, 121, 37], level: 'county', limit: 100 })
    await api.grid('371302004027003')
    await api.locate({ lon: 118.35, lat: 35.05 })
  } finally {
    globalThis.fetch = real
  }
  assert.deepEqual(seen, [
    '/api/v1/divisions/3713',
    '/api/v1/grids?bbox=116%2C34.4%2C121%2C37&level=county&limit=100',
    '/api/v1/grids/371302004027003',
    '/api/v1/locate?lon=118.35&lat=35.05&crs=wgs84',
  ])
})
