import { test } from 'node:test'
import assert from 'node:assert/strict'
import { characterCount, utf8Length } from '../src/text.js'

test('utf8Length counts UTF-8 bytes', () => {
  assert.equal(utf8Length(''), 0)
  assert.equal(utf8Length('abc'), 3)
  assert.equal(utf8Length('暖气'), 6)
  assert.equal(utf8Length(null), 0)
})

test('characterCount counts code points, as the server counts a description', () => {
  assert.equal(characterCount(''), 0)
  assert.equal(characterCount('abc'), 3)
  assert.equal(characterCount('暖气'), 2)
  assert.equal(characterCount('𠀀a'), 2, 'a character outside the BMP is one, not two UTF-16 units')
  assert.equal(characterCount(null), 0)
})
