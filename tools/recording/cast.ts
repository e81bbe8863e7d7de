// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then one JSON
// array per event: [seconds, "o", output], [seconds, "r", "COLSxROWS"], [seconds, "m", label].
// Lines are appended whole and at least every `flushMs`, so the file parses at any moment, even
// after the recorder or the container is killed. Output goes through the terminal filter (no OSC,
// DCS or other control string is ever written) and markers are printable text.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
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
  private readonly timer: NodeJS.Timeout
  readonly started: number

  constructor(
    private readonly file: string,
    header: Omit<CastHeader, 'version' | 'timestamp'>,
    flushMs = 250,
    now = Date.now(),
  ) {
    this.started = now
    writeFileSync(file, JSON.stringify({ version: 2, ...header, timestamp: Math.floor(now / 1000) }) + '\n', { mode: 0o640 })
    this.timer = setInterval(() => this.flush(), flushMs)
  }

  /** Seconds since the recording started: the timeline every event file shares. */
  elapsed(now = Date.now()): number {
    return Math.round(now - this.started) / 1000
  }

  output(chunk: Buffer, now = Date.now()) {
    const text = this.decoder.write(this.filter.write(chunk))
    if (text) this.pending.push(jsonLine([this.elapsed(now), 'o', text]))
  }

  resize(width: number, height: number, now = Date.now()) {
    this.pending.push(JSON.stringify([this.elapsed(now), 'r', `${width}x${height}`]))
  }

  marker(label: string, now = Date.now()) {
    this.pending.push(jsonLine([this.elapsed(now), 'm', printable(label)]))
  }

  flush() {
    if (!this.pending.length) return
    appendFileSync(this.file, this.pending.join('\n') + '\n')
    this.pending = []
  }

  close() {
    clearInterval(this.timer)
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
