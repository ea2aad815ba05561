import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LiveFeed, RefreshPacer, backoffDelay } from '../src/components/screen/live.js'

// Timers run by hand: advance(ms) fires what falls due, in order.
function fakeTimers() {
  let now = 0
  let seq = 0
  const pending = new Map()
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq
      pending.set(id, { at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(id) {
      pending.delete(id)
    },
    async advance(ms) {
      const end = now + ms
      for (;;) {
        const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0]
        if (!next || next[1].at > end) break
        pending.delete(next[0])
        now = next[1].at
        next[1].fn()
        await Promise.resolve()
        await Promise.resolve()
      }
      now = end
    },
    count: () => pending.size,
  }
}

class FakeSocket {
  static all = []
  constructor(url) {
    this.url = url
    this.closed = false
    FakeSocket.all.push(this)
  }
  close() {
    this.closed = true
  }
  // server side
  open() {
    this.onopen?.()
  }
  send(obj) {
    this.onmessage?.({ data: typeof obj === 'string' ? obj : JSON.stringify(obj) })
  }
  drop() {
    this.onclose?.({ code: 1006 })
  }
}

test('backoff doubles up to the cap, with bounded jitter', () => {
  const none = { random: () => 0 }
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, none)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  )
  assert.equal(backoffDelay(0, { random: () => 1 }), 1200)
})

test('the live feed reports its state, passes messages and reconnects with backoff', async () => {
  FakeSocket.all = []
  const timers = fakeTimers()
  const states = []
  const messages = []
  let token = 'a'
  const feed = new LiveFeed({
    url: () => `ws://x/live?access_token=${token}`,
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    WebSocketImpl: FakeSocket,
    timers,
    random: () => 0,
  })
  feed.start()
  assert.equal(FakeSocket.all.length, 1)
  const s1 = FakeSocket.all[0]
  s1.open()
  s1.send({ type: 'hello', under: '371302' })
  s1.send('not json')
  s1.send({ type: 'case_event', case: { id: 1 }, event: { seq: 1 } })
  assert.deepEqual(states, ['connecting', 'open'])
  assert.deepEqual(
    messages.map((m) => m.type),
    ['hello', 'case_event'],
  )

  // Dropped: closed, then a new attempt after 1 s, 2 s, 4 s … while it keeps failing.
  s1.drop()
  assert.equal(feed.state, 'closed')
  await timers.advance(999)
  assert.equal(FakeSocket.all.length, 1)
  token = 'b'
  await timers.advance(1)
  assert.equal(FakeSocket.all.length, 2)
  assert.match(FakeSocket.all[1].url, /access_token=b/, 'the address is asked again at each attempt')
  FakeSocket.all[1].drop()
  await timers.advance(1999)
  assert.equal(FakeSocket.all.length, 2)
  await timers.advance(1)
  assert.equal(FakeSocket.all.length, 3)
  FakeSocket.all[2].drop()
  await timers.advance(4000)
  assert.equal(FakeSocket.all.length, 4)

  // A hello resets the backoff.
  const s4 = FakeSocket.all[3]
  s4.open()
  s4.send({ type: 'hello' })
  s4.drop()
  await timers.advance(1000)
  assert.equal(FakeSocket.all.length, 5)

  // Stopping closes the socket and stops retrying; late events of the old socket are ignored.
  const s5 = FakeSocket.all[4]
  feed.stop()
  assert.ok(s5.closed)
  assert.equal(feed.state, 'closed')
  await timers.advance(60000)
  assert.equal(FakeSocket.all.length, 5)
  assert.equal(timers.count(), 0)
})

test('the refresh pacer runs at start, at most once per gap when poked, and periodically', async () => {
  const timers = fakeTimers()
  const runs = []
  const pacer = new RefreshPacer({ run: () => runs.push(timers.now()), minGap: 5000, every: 60000, now: timers.now, timers })
  pacer.start()
  await Promise.resolve()
  assert.deepEqual(runs, [0])

  // Pokes within the gap are folded into one run at the end of the gap.
  await timers.advance(1000)
  pacer.poke()
  pacer.poke()
  await timers.advance(1000)
  pacer.poke()
  await timers.advance(10000)
  assert.deepEqual(runs, [0, 5000])

  // A poke long after the last run runs at once.
  await timers.advance(20000) // now 32000
  pacer.poke()
  await timers.advance(0)
  assert.deepEqual(runs, [0, 5000, 32000])

  // Without pokes, every 60 s.
  await timers.advance(60000)
  assert.deepEqual(runs, [0, 5000, 32000, 92000])

  pacer.stop()
  pacer.poke()
  await timers.advance(200000)
  assert.equal(runs.length, 4)
})

test('a poke during a slow run is kept for after it', async () => {
  const timers = fakeTimers()
  const runs = []
  let release
  const pacer = new RefreshPacer({
    run: () => {
      runs.push(timers.now())
      if (runs.length === 1) return new Promise((r) => (release = r))
      return undefined
    },
    minGap: 5000,
    every: 60000,
    now: timers.now,
    timers,
  })
  pacer.start()
  pacer.poke()
  await timers.advance(8000)
  assert.deepEqual(runs, [0])
  release()
  await new Promise((r) => setImmediate(r))
  await timers.advance(0)
  assert.deepEqual(runs, [0, 8000])
  pacer.stop()
})
