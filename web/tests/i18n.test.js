import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MESSAGES } from '../src/i18n.js'

import { translate, hasMessage } from '../src/i18n.js'

function flatten(obj, prefix = '') {
  const out = {}
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') Object.assign(out, flatten(v, key))
    else out[key] = v
  }
  return out
}

const zh = flatten(MESSAGES['zh-CN'])
const eng = flatten(MESSAGES.en)
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

test('zh-CN and en have the same keys', () => {
  assert.deepEqual(Object.keys(eng).filter((k) => !(k in zh)), [], 'keys only in en')
  assert.deepEqual(Object.keys(zh).filter((k) => !(k in eng)), [], 'keys only in zh-CN')
})

test('every message is a non-empty string with the same placeholders in both languages', () => {
  for (const key of Object.keys(zh)) {
    assert.equal(typeof zh[key], 'string', key)
    assert.ok(zh[key].length > 0 && eng[key].length > 0, key)
    assert.deepEqual([...new Set(placeholders(zh[key]))], [...new Set(placeholders(eng[key]))], key)
    assert.equal(zh[key].includes(' | '), eng[key].includes(' | '), `plural forms differ: ${key}`)
  }
})

test('every level has a name in both languages', () => {
  for (const level of ['province', 'city', 'county', 'street', 'community', 'grid']) {
    assert.ok(hasMessage('zh-CN', `level.${level}`) && hasMessage('en', `level.${level}`), level)
  }
  assert.equal(translate('zh-CN', 'level.street'), '街道/乡镇')
  assert.equal(translate('zh-CN', 'level.community'), '社区/村')
  assert.equal(translate('en', 'level.county'), 'County')
})

test('translate interpolates, picks plural forms and falls back', () => {
  assert.equal(translate('zh-CN', 'search.notFound', { code: '999999' }), '未找到代码为 999999 的区划')
  assert.equal(translate('en', 'division.childGrids', { n: 1 }), '1 grid')
  assert.equal(translate('en', 'division.childGrids', { n: '1,204' }), '1,204 grids')
  assert.equal(translate('fr', 'level.grid'), '网格', 'unknown locale falls back to zh-CN')
  assert.equal(translate('en', 'no.such.key'), 'no.such.key')
  assert.equal(translate('en', 'search.notFound', {}), 'No division has the code {code}', 'missing params stay visible')
})

test('every state, action, channel, priority, evaluation and role of the API has a name in both languages', async () => {
  const { ACTION_ROLES, OPEN_STATES } = await import('../src/cases.js')
  const keys = [
    ...[...OPEN_STATES, 'closed', 'rejected', 'merged'].map((s) => `status.${s}`),
    ...[...Object.keys(ACTION_ROLES), 'report', 'mark_overdue', 'recompute_deadlines'].map((a) => `action.${a}`),
    ...['grid_worker', 'resident_app', 'hotline', 'open311', 'drone', 'iot', 'superior'].map((c) => `channel.${c}`),
    ...['normal', 'high', 'urgent'].map((p) => `priority.${p}`),
    ...['satisfied', 'basically_satisfied', 'unsatisfied'].map((e) => `evaluation.${e}`),
    ...['none', 'yellow', 'red'].map((w) => `warning.${w}`),
    ...['resident', 'grid_worker', 'operator', 'unit_staff', 'leader', 'admin', 'system'].map((r) => `role.${r}`),
    ...['urgent_hours', 'working_hours', 'working_days', 'natural_days'].map((k) => `limitKind.${k}`),
    ...['unauthorized', 'forbidden', 'too_many_requests', 'conflict', 'not_found', 'invalid_argument'].map((c) => `errors.${c}`),
  ]
  for (const key of keys) {
    assert.ok(hasMessage('zh-CN', key), `zh-CN lacks ${key}`)
    assert.ok(hasMessage('en', key), `en lacks ${key}`)
  }
})
