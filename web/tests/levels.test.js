import { test } from 'node:test'
import assert from 'node:assert/strict'
import { levelOfCode, mapLevelForZoom, parseDivisionCode } from '../src/levels.js'

test('a code length gives its level', () => {
  assert.equal(levelOfCode('37'), 'province')
  assert.equal(levelOfCode('3713'), 'city')
  assert.equal(levelOfCode('371302'), 'county')
  assert.equal(levelOfCode('371302004'), 'street')
  assert.equal(levelOfCode('371302004027'), 'community')
  assert.equal(levelOfCode('371302004027003'), 'grid')
  assert.equal(levelOfCode('37130'), null)
})

test('parseDivisionCode checks what the user typed', () => {
  assert.deepEqual(parseDivisionCode(' 3713 '), { ok: true, code: '3713' })
  assert.deepEqual(parseDivisionCode(''), { ok: false, reason: 'empty', length: 0 })
  assert.deepEqual(parseDivisionCode('37a'), { ok: false, reason: 'notDigits', length: 3 })
  assert.deepEqual(parseDivisionCode('12345'), { ok: false, reason: 'badLength', length: 5 })
})

test('the map level follows the zoom', () => {
  assert.equal(mapLevelForZoom(7), 'county')
  assert.equal(mapLevelForZoom(8.75), 'county')
  assert.equal(mapLevelForZoom(9), 'street')
  assert.equal(mapLevelForZoom(10.5), 'street')
  assert.equal(mapLevelForZoom(11), 'community')
  assert.equal(mapLevelForZoom(12.75), 'community')
  assert.equal(mapLevelForZoom(13), 'grid')
  assert.equal(mapLevelForZoom(18), 'grid')
})
