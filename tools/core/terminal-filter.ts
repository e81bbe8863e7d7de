// A streaming filter for terminal output headed to an interviewer (the live web view, the cast
// file, a replay): it drops every control string, whatever it says (OSC: clipboard writes (52),
// titles, colour changes and hyperlinks alike; DCS, including tmux's passthrough `ESC Ptmux;`;
// SOS, PM and APC), in 7-bit (ESC ] ...) and UTF-8 encoded 8-bit (U+009D ...) form. Everything
// else passes byte for byte: text, UTF-8, C0 controls, CSI (colours, cursor movement) and other
// escape sequences. State is kept across chunks, so a sequence split between two chunks is still
// caught.
//
// The promise, which the unit tests check: the output never holds ESC followed by one of
// `P ] X ^ _`, nor the UTF-8 form of U+0090, U+0098, U+009D, U+009E or U+009F, so a terminal that
// reads it never enters a control string. To keep that promise an ESC is only written together
// with the byte after it, and C0 controls inside an escape (which terminals execute without ending
// the escape) are dropped.
import { StringDecoder } from 'node:string_decoder'

const ESC = 0x1b
const BEL = 0x07
const CAN = 0x18
const SUB = 0x1a
const C2 = 0xc2 // UTF-8 lead byte of U+0080..U+00BF (the C1 controls among them)
/** Final bytes after ESC that open a control string: DCS P, SOS X, OSC ], PM ^, APC _. */
const STRING_AFTER_ESC = new Set([0x50, 0x58, 0x5d, 0x5e, 0x5f])
/** Second bytes after 0xC2 that open one: U+0090 DCS, U+0098 SOS, U+009D OSC, U+009E PM, U+009F APC. */
const STRING_AFTER_C2 = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f])
const ST_AFTER_C2 = 0x9c

type State = 'ground' | 'esc' | 'c2' | 'string' | 'string-esc' | 'string-c2'

export class TerminalFilter {
  private state: State = 'ground'
  /** Whether the control string being dropped ends at BEL as well as at ST (OSC does; DCS and the rest do not). */
  private endsAtBel = false
  private readonly decoder = new StringDecoder('utf8')
  /** Bytes dropped so far (whole control strings, and their introducers). */
  dropped = 0

  /** Filters the next chunk of a byte stream; a sequence may continue in the next call. */
  write(chunk: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(chunk.length + 2)
    let n = 0
    for (const byte of chunk) {
      switch (this.state) {
        case 'ground':
          if (byte === ESC) this.state = 'esc'
          else if (byte === C2) this.state = 'c2'
          else out[n++] = byte
          continue
        case 'esc':
          if (STRING_AFTER_ESC.has(byte)) {
            this.state = 'string'
            this.endsAtBel = byte === 0x5d
            this.dropped += 2
          } else if (byte === ESC) {
            this.dropped++ // ESC ESC: the first one means nothing
          } else if (byte === CAN || byte === SUB) {
            this.state = 'ground' // cancels the escape
            this.dropped += 2
          } else if (byte < 0x20 || byte === 0x7f) {
            this.dropped++ // executed inside the escape by a terminal, which then still reads the escape
          } else if (byte >= 0x80) {
            this.dropped++ // not an escape: drop the ESC and read the byte afresh
            this.state = 'ground'
            if (byte === C2) this.state = 'c2'
            else out[n++] = byte
          } else {
            out[n++] = ESC
            out[n++] = byte
            this.state = 'ground'
          }
          continue
        case 'c2':
          if (STRING_AFTER_C2.has(byte)) {
            this.state = 'string'
            this.endsAtBel = byte === 0x9d
            this.dropped += 2
          } else if (byte >= 0x80 && byte <= 0xbf) {
            out[n++] = C2
            out[n++] = byte
            this.state = 'ground'
          } else {
            this.dropped++ // a lone lead byte (not UTF-8): dropped so it cannot pair with a later byte
            this.state = byte === ESC ? 'esc' : byte === C2 ? 'c2' : 'ground'
            if (this.state === 'ground') out[n++] = byte
          }
          continue
        case 'string':
          this.dropped++
          if (byte === ESC) this.state = 'string-esc'
          else if (byte === C2) this.state = 'string-c2'
          else if ((byte === BEL && this.endsAtBel) || byte === CAN || byte === SUB) this.state = 'ground'
          continue
        case 'string-esc':
          // ESC \ ends it; anything else is more of the string (ESC ESC is tmux's passthrough
          // spelling of one ESC).
          this.dropped++
          this.state = byte === 0x5c || byte === CAN || byte === SUB ? 'ground' : 'string'
          continue
        case 'string-c2':
          this.dropped++
          this.state = byte === ST_AFTER_C2 || byte === CAN || byte === SUB ? 'ground' : byte === ESC ? 'string-esc' : 'string'
          continue
      }
    }
    return out.subarray(0, n)
  }

  /** Filters text (e.g. a cast's output events, read back): a sequence may continue in the next call. */
  writeText(text: string): string {
    return this.decoder.write(this.write(Buffer.from(text, 'utf8')))
  }
}

/** Filters one whole string. */
export const filterTerminalText = (text: string) => new TerminalFilter().writeText(text)

/**
 * Wraps a handler of output chunks so that it gets them filtered (one filter per stream; empty
 * results are not passed on): `stream.on('data', filtered((chunk) => ws.send(chunk)))`.
 */
export function filtered(handler: (chunk: Buffer) => void): (chunk: Buffer) => void {
  const filter = new TerminalFilter()
  return (chunk) => {
    const safe = filter.write(chunk)
    if (safe.length) handler(safe)
  }
}
