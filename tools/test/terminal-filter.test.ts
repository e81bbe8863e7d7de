import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { filterTerminalText, filtered, TerminalFilter } from '../core/terminal-filter.ts'

const ESC = '\x1b'
const bytes = (text: string) => Buffer.from(text, 'utf8')

/** The promise: no way into a control string is left, in 7-bit or UTF-8 encoded 8-bit form. */
function assertNoControlString(out: Buffer) {
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i] === 0x1b)
      assert.not.ok(
        'P]X^_'.includes(String.fromCharCode(out[i + 1]!)),
        `ESC ${String.fromCharCode(out[i + 1]!)} at ${i} in ${JSON.stringify(out.toString('latin1'))}`,
      )
    if (out[i] === 0xc2) assert.not.ok([0x90, 0x98, 0x9d, 0x9e, 0x9f].includes(out[i + 1]!), `C1 0x${out[i + 1]!.toString(16)} at ${i}`)
  }
}

/** Runs text through one filter in chunks of every size from 1 to 7 bytes, and whole. */
function everySplit(text: string): string[] {
  const input = bytes(text)
  const results: string[] = []
  for (const size of [1, 2, 3, 5, 7, input.length || 1]) {
    const filter = new TerminalFilter()
    const parts: Buffer[] = []
    for (let i = 0; i < input.length; i += size) parts.push(filter.write(input.subarray(i, i + size)))
    const out = Buffer.concat(parts)
    assertNoControlString(out)
    results.push(out.toString('utf8'))
  }
  return results
}

const keeps = (text: string) => {
  for (const out of everySplit(text)) assert.is(out, text)
}
const becomes = (text: string, expected: string) => {
  for (const out of everySplit(text)) assert.is(out, expected)
}

test('text, UTF-8 and ordinary escape sequences pass byte for byte', () => {
  keeps('hello, wörld: 日本語 🙂 ±')
  keeps(`${ESC}[1;31mred${ESC}[0m ${ESC}[2J${ESC}[H${ESC}[?1049h${ESC}[38;2;10;20;30m${ESC}[12;40H`)
  keeps(`${ESC}(B${ESC}7${ESC}8${ESC}=${ESC}>${ESC}M${ESC}[?25l${ESC}[K\r\n\t\b\x07`)
  keeps('\u00a0non-breaking, \u00c2 and \u0080-\u00bf letters are not controls: \u00a9\u00bf')
})

test('OSC 52 (clipboard), titles and every other OSC are dropped, ended by BEL or ST', () => {
  becomes(`a${ESC}]52;c;ZXZpbA==\x07b`, 'ab')
  becomes(`a${ESC}]52;c;ZXZpbA==${ESC}\\b`, 'ab')
  becomes(`a${ESC}]0;pwned title\x07b${ESC}]2;t${ESC}\\c`, 'abc')
  // A choice: hyperlinks (OSC 8) go too; their text stays.
  becomes(`${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`, 'click')
})

test("DCS, tmux's passthrough with its doubled ESCs, SOS, PM and APC are dropped", () => {
  becomes(`a${ESC}Ptmux;${ESC}${ESC}]52;c;ZXZpbA==\x07${ESC}\\b`, 'ab')
  becomes(`a${ESC}Ptmux;${ESC}${ESC}]52;c;ZXZpbA==${ESC}${ESC}\\${ESC}\\b`, 'ab')
  becomes(`a${ESC}Pq#0;2;0;0;0\x07still sixel${ESC}\\b`, 'ab')
  becomes(`a${ESC}P1$r0m${ESC}\\b${ESC}Xsos${ESC}\\c${ESC}^pm${ESC}\\d${ESC}_Gapc=1;AAAA${ESC}\\e`, 'abcde')
})

test('the 8-bit forms (UTF-8 encoded C1 controls) are dropped too, ended by BEL or ST', () => {
  becomes('a\u009d52;c;ZXZpbA==\u009cb', 'ab')
  becomes('a\u009d0;title\x07b', 'ab')
  becomes('a\u0090tmux;x\u009cb\u009fapc\u009cc\u009epm\u009cd\u0098sos\u009ce', 'abcde')
})

test('CAN and SUB abort a control string; an unended one swallows the rest, as a terminal would', () => {
  becomes(`a${ESC}]52;c;ZXZp\x18b`, 'ab')
  becomes(`a${ESC}Pdata\x1ab`, 'ab')
  becomes(`a${ESC}]52;c;ZXZpbA==`, 'a')
})

test('no trick of adjacency or controls inside an escape opens a control string', () => {
  // C0 controls inside an escape are executed by terminals, which then still read the escape.
  becomes(`a${ESC}\x07]52;c;ZXZp\x07b`, 'ab')
  becomes(`a${ESC}\r\n]0;t\x07b`, 'ab')
  // A dropped string must not join an ESC before it to a byte after it.
  becomes(`${ESC}${ESC}]0;x\x07P`, 'P')
  const lone = Buffer.concat([Buffer.from([0xc2]), bytes(`${ESC}]0;x\x07`), Buffer.from([0x9d]), bytes('52;c;x\x07')])
  const out = new TerminalFilter().write(lone)
  assertNoControlString(out)
  assert.is(out.toString('latin1'), '\x9d52;c;x\x07')
  // ESC before a UTF-8 encoded C1 control: both dropped.
  becomes(`${ESC}\u009d52;c;x\x07ok`, 'ok')
  // Random bytes: the promise holds for any input.
  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256
  const alphabet = [0x1b, 0xc2, 0x90, 0x9d, 0x9c, 0x9f, 0x07, 0x18, 0x5c, 0x50, 0x5d, 0x5f, 0x5e, 0x58, 0x5b, 0x41, 0x0d, 0x00]
  for (let run = 0; run < 200; run++) {
    const filter = new TerminalFilter()
    const outs: Buffer[] = []
    for (let chunk = 0; chunk < 5; chunk++)
      outs.push(filter.write(Buffer.from(Array.from({ length: 1 + (random() % 9) }, () => alphabet[random() % alphabet.length]!))))
    assertNoControlString(Buffer.concat(outs))
  }
})

test('state is kept across chunks: a sequence split anywhere is still dropped, and text is not held back', () => {
  const filter = new TerminalFilter()
  assert.is(filter.writeText(`ok ${ESC}`), 'ok ')
  assert.is(filter.writeText(']52;c;ZX'), '')
  assert.is(filter.writeText(`pbA==${ESC}`), '')
  assert.is(filter.writeText('\\after'), 'after')
  assert.is(filter.writeText(`${ESC}`), '')
  assert.is(filter.writeText('[0m'), `${ESC}[0m`)
  assert.ok(filter.dropped > 10)
})

test('filtered() hands on filtered chunks and skips empty ones', () => {
  const seen: string[] = []
  const handler = filtered((chunk) => seen.push(chunk.toString()))
  handler(bytes(`x${ESC}]52;`))
  handler(bytes('c;ZXZp\x07'))
  handler(bytes('y'))
  assert.equal(seen, ['x', 'y'])
  assert.is(filterTerminalText(`${ESC}]0;t\x07title gone`), 'title gone')
})

test.run()
