// The live feed connection and the stats refresh pacing of the big screen. Plain classes with the
// WebSocket, clock and timers injected, so tests/screen-live.test.js can drive them.

// Reconnect delays: 1 s, 2 s, 4 s … up to 30 s, with up to 20% jitter so that many screens do not
// all come back at once after a server restart.
export function backoffDelay(attempt, { base = 1000, max = 30000, random = Math.random } = {}) {
  const plain = Math.min(max, base * 2 ** Math.max(0, attempt))
  return Math.round(plain * (1 + 0.2 * random()))
}

// One WebSocket to the live feed, opened again with backoff whenever it closes.
// url: () => the address (asked at each attempt: the token may change); onMessage(parsed JSON);
// onState('connecting' | 'open' | 'closed').
export class LiveFeed {
  constructor({ url, onMessage, onState, WebSocketImpl = globalThis.WebSocket, timers = globalThis, random = Math.random }) {
    this.url = url
    this.onMessage = onMessage
    this.onState = onState
    this.WebSocketImpl = WebSocketImpl
    this.timers = timers
    this.random = random
    this.attempt = 0
    this.socket = null
    this.timer = 0
    this.stopped = true
    this.state = 'closed'
  }

  start() {
    this.stopped = false
    this.connect()
  }

  stop() {
    this.stopped = true
    this.timers.clearTimeout(this.timer)
    this.timer = 0
    const socket = this.socket
    this.socket = null
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null
      try {
        socket.close()
      } catch {
        // already closed
      }
    }
    this.setState('closed')
  }

  setState(state) {
    if (state === this.state) return
    this.state = state
    this.onState?.(state)
  }

  connect() {
    if (this.stopped) return
    this.setState('connecting')
    let socket
    try {
      socket = new this.WebSocketImpl(this.url())
    } catch {
      this.retry()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      if (socket !== this.socket) return
      this.setState('open')
    }
    socket.onmessage = (e) => {
      if (socket !== this.socket) return
      let message
      try {
        message = JSON.parse(e.data)
      } catch {
        return
      }
      // The server's hello says the subscription stands: only then does the backoff start over.
      if (message?.type === 'hello') this.attempt = 0
      this.onMessage?.(message)
    }
    socket.onerror = () => {
      // a close event follows
    }
    socket.onclose = () => {
      if (socket !== this.socket) return
      this.socket = null
      this.retry()
    }
  }

  retry() {
    this.setState('closed')
    if (this.stopped) return
    const delay = backoffDelay(this.attempt++, { random: this.random })
    this.timers.clearTimeout(this.timer)
    this.timer = this.timers.setTimeout(() => this.connect(), delay)
  }
}

// Calls `run` when asked (poke), but at most once per `minGap` ms, and at least every `every` ms.
// A poke during a run is kept for after it. now() and timers are injectable for tests.
export class RefreshPacer {
  constructor({ run, minGap = 5000, every = 60000, now = () => Date.now(), timers = globalThis }) {
    this.run = run
    this.minGap = minGap
    this.every = every
    this.now = now
    this.timers = timers
    this.last = -Infinity
    this.pending = 0 // timer of a poked run
    this.periodic = 0
    this.running = false
    this.again = false
    this.stopped = false
  }

  // Runs now and then every `every` ms.
  start() {
    this.stopped = false
    this.fire()
  }

  stop() {
    this.stopped = true
    this.timers.clearTimeout(this.pending)
    this.timers.clearTimeout(this.periodic)
    this.pending = this.periodic = 0
  }

  poke() {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.pending) return
    const wait = Math.max(0, this.last + this.minGap - this.now())
    this.pending = this.timers.setTimeout(() => {
      this.pending = 0
      this.fire()
    }, wait)
  }

  async fire() {
    if (this.stopped) return
    this.timers.clearTimeout(this.periodic)
    this.timers.clearTimeout(this.pending)
    this.pending = 0
    this.last = this.now()
    this.running = true
    try {
      await this.run()
    } catch {
      // the panels show their own errors
    } finally {
      this.running = false
    }
    if (this.stopped) return
    this.periodic = this.timers.setTimeout(() => this.fire(), this.every)
    if (this.again) {
      this.again = false
      this.poke()
    }
  }
}
