// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then one JSON
// array per event: [seconds, "o", output], [seconds, "r", "COLSxROWS"], [seconds, "m", label].
// Lines are appended whole and at least every `flushMs`, so the file parses at any moment, even
// after the recorder or the container is killed. Output goes through the terminal filter (no OSC,
// DCS or other control string is ever written) and markers are printable text. A recorder that
// was restarted appends to the cast it left (resumeCast), on the same clock.
import { appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync, truncateSync, writeFileSync } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { jsonLine, printable } from '../core/printable.ts'
import { TerminalFilter } from '../core/terminal-filter.ts'

export interface CastHeader {
  version: 2
  width: number
  height: number
  timestamp: number
  title?: string
  env?: Record<string, string>
}

export type CastEvent = [number, 'o' | 'r' | 'm' | 'i', string]

export class CastWriter {
  private pending: string[] = []
  private readonly decoder = new StringDecoder('utf8')
  private readonly filter = new TerminalFilter()
  /** Set while lines wait: an idle cast has no timer. */
  private timer: NodeJS.Timeout | undefined
  readonly started: number

  /** A new cast with `header`; or, with `header` null, the cast `file` continued on the clock that began at `started`. */
  constructor(
    private readonly file: string,
    header: Omit<CastHeader, 'version' | 'timestamp'> | null,
    private readonly flushMs = 250,
    now = Date.now(),
    started = now,
  ) {
    this.started = started
    if (header) writeFileSync(file, JSON.stringify({ version: 2, ...header, timestamp: Math.floor(now / 1000) }) + '\n', { mode: 0o640 })
  }

  /** Seconds since the recording started: the timeline every event file shares. */
  elapsed(now = Date.now()): number {
    return Math.round(now - this.started) / 1000
  }

  output(chunk: Buffer, now = Date.now()) {
    const text = this.decoder.write(this.filter.write(chunk))
    if (text) this.push(jsonLine([this.elapsed(now), 'o', text]))
  }

  resize(width: number, height: number, now = Date.now()) {
    this.push(JSON.stringify([this.elapsed(now), 'r', `${width}x${height}`]))
  }

  marker(label: string, now = Date.now()) {
    this.push(jsonLine([this.elapsed(now), 'm', printable(label)]))
  }

  private push(line: string) {
    this.pending.push(line)
    this.timer ??= setTimeout(() => this.flush(), this.flushMs)
  }

  flush() {
    clearTimeout(this.timer)
    this.timer = undefined
    if (!this.pending.length) return
    appendFileSync(this.file, this.pending.join('\n') + '\n')
    this.pending = []
  }

  close() {
    const rest = this.decoder.end()
    if (rest) this.pending.push(jsonLine([this.elapsed(), 'o', rest]))
    this.flush()
  }
}

/** Reads a cast: its header and events. A torn last line (a crash mid-write) is left out. */
export function readCast(file: string): { header: CastHeader; events: CastEvent[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  const header = JSON.parse(lines[0] ?? 'null') as CastHeader
  if (header?.version !== 2) throw new Error(`${file} is not an asciicast v2 recording`)
  const events: CastEvent[] = []
  for (const [i, line] of lines.slice(1).entries()) {
    try {
      events.push(JSON.parse(line) as CastEvent)
    } catch (error) {
      if (i < lines.length - 2) throw new Error(`${file} line ${i + 2} is not an event: ${(error as Error).message}`)
    }
  }
  return { header, events }
}

/**
 * Where a cast left off, from its last bytes (read as latin1: one character a byte): how many bytes
 * of a torn last line to cut (a crash mid-write), and the time of its last whole event (undefined:
 * none in `tail`).
 */
export function castTail(tail: string): { torn: number; lastT: number | undefined } {
  const end = tail.lastIndexOf('\n') + 1
  const lines = tail.slice(0, end).split('\n').filter(Boolean).reverse()
  for (const line of lines) {
    try {
      const event = JSON.parse(line) as unknown
      if (Array.isArray(event) && typeof event[0] === 'number') return { torn: tail.length - end, lastT: event[0] }
    } catch {
      // the first line of the tail may be cut: look further back
    }
  }
  return { torn: tail.length - end, lastT: undefined }
}

/** Readies a cast to be continued: cuts a torn last line, and says when it began and its last event's time. */
export function resumeCast(file: string, tailBytes = 64 * 1024): { started: number; lastT: number } {
  const header = JSON.parse(readFileSync(file, 'utf8').slice(0, 4096).split('\n')[0] ?? 'null') as CastHeader | null
  if (header?.version !== 2) throw new Error(`${file} is not an asciicast v2 recording`)
  const fd = openSync(file, 'r')
  let size: number
  let tail: string
  try {
    size = fstatSync(fd).size
    const bytes = Buffer.alloc(Math.min(size, tailBytes))
    readSync(fd, bytes, 0, bytes.length, size - bytes.length)
    tail = bytes.toString('latin1')
  } finally {
    closeSync(fd)
  }
  const { torn, lastT } = castTail(tail)
  if (torn) truncateSync(file, size - torn)
  return { started: header.timestamp * 1000, lastT: lastT ?? 0 }
}
