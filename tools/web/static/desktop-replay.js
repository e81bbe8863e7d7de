// A desktop task's recorded screen (desktop.rfb, tools/recording/desktop-recording.ts) replayed by
// noVNC: each segment is fed to a fresh noVNC client over a channel that plays the recorded bytes
// on their clock and drops what the client sends. Seeking back starts the segment again.
import RFB from '/novnc/core/rfb.js'

/** The records of a desktop.rfb: kind (0 starts a segment, 1 continues it), ms, bytes. */
export function desktopRecords(buffer) {
  const view = new DataView(buffer)
  const records = []
  for (let at = 0; at + 9 <= buffer.byteLength; ) {
    const length = view.getUint32(at + 5)
    if (at + 9 + length > buffer.byteLength) break
    records.push({ kind: view.getUint8(at), ms: view.getUint32(at + 1), bytes: new Uint8Array(buffer, at + 9, length) })
    at += 9 + length
  }
  return records
}

/** What noVNC takes for a WebSocket: open at once, sends nothing anywhere; bytes wait until noVNC listens. */
class ReplayChannel {
  #handler = null
  #pending = []
  constructor() {
    this.binaryType = 'arraybuffer'
    this.protocol = ''
    this.readyState = 'open'
    this.onopen = null
    this.onerror = null
    this.onclose = null
  }
  get onmessage() { return this.#handler }
  set onmessage(handler) {
    this.#handler = handler
    const pending = this.#pending
    this.#pending = []
    for (const data of pending) handler?.({ data })
  }
  send() {}
  close() {
    this.readyState = 'closed'
    setTimeout(() => this.onclose?.({ code: 1000, reason: '', wasClean: true }))
  }
  deliver(bytes) {
    const data = bytes.slice().buffer
    if (this.#handler) this.#handler({ data })
    else this.#pending.push(data)
  }
}

export class DesktopPlayer {
  constructor(target, records) {
    this.target = target
    this.records = records
    this.duration = records.length ? records[records.length - 1].ms : 0
    this.position = 0
    this.next = 0 // the next record to deliver
    this.segmentStart = 0
    this.rfb = null
    this.channel = null
    this.timer = null
    // The first picture, not a blank one.
    this.seek(records.find((record) => record.kind === 1)?.ms ?? 0)
  }

  /** Shows the screen as it was at `ms`. */
  seek(ms) {
    const target = Math.max(0, Math.min(ms, this.duration))
    let segment = 0
    for (let i = 0; i < this.records.length && this.records[i].ms <= target; i++) if (this.records[i].kind === 0) segment = i
    if (this.rfb === null || target < this.position || segment > this.segmentStart) this.restart(segment)
    this.deliverUntil(target)
  }

  /** A fresh noVNC client, fed from the record that starts `segment`. */
  restart(segment) {
    this.rfb?.disconnect()
    this.target.replaceChildren()
    this.channel = new ReplayChannel()
    this.rfb = new RFB(this.target, this.channel, { shared: true })
    this.rfb.viewOnly = true
    this.rfb.scaleViewport = true
    this.segmentStart = segment
    this.next = segment
    this.position = this.records[segment]?.ms ?? 0
  }

  deliverUntil(ms) {
    while (this.next < this.records.length && this.records[this.next].ms <= ms) {
      const record = this.records[this.next]
      if (record.kind === 0 && this.next !== this.segmentStart) this.restart(this.next)
      this.channel.deliver(record.bytes)
      this.next++
    }
    this.position = ms
  }

  play(onTick) {
    this.pause()
    let last = performance.now()
    this.timer = setInterval(() => {
      const now = performance.now()
      this.seek(this.position + (now - last))
      last = now
      onTick?.(this.position)
      if (this.position >= this.duration) this.pause()
    }, 50)
  }

  pause() {
    clearInterval(this.timer)
    this.timer = null
  }

  get playing() { return this.timer !== null }
}
