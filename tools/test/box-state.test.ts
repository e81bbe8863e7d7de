import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { PassThrough } from 'node:stream'
import { BOX_LIMITS, boundedCount, readBoxState } from '../engine/box-state.ts'
import { boundedLines } from '../recording/lines.ts'
import { hintsToHandOut, nothingSeen, STATE_LIMITS, stateHappenings } from '../recording/state-events.ts'

const client = (tty: string, who: string, readonly = false) => ({ tty, who, role: 'candidate', readonly, login: '1' })

test('a state report is read as untrusted: wrong types become defaults, numbers and strings are bounded', () => {
  const state = readBoxState({
    width: 1e9,
    height: '40',
    hints: 200000,
    checks: ['1 candidate OK', 7, 'x'.repeat(5000)],
    clients: [{ who: 'w'.repeat(500), readonly: 'yes' }, 3],
  })
  assert.is(state.width, BOX_LIMITS.width)
  assert.is(state.height, 40)
  assert.is(state.hints, BOX_LIMITS.hints)
  assert.equal(
    state.checks.map((c) => c.length),
    [14, 0, BOX_LIMITS.checkLine],
  )
  assert.is(state.clients[0]!.who.length, BOX_LIMITS.text)
  assert.is(state.clients[0]!.readonly, false)
  assert.equal(state.clients[1], { tty: '', who: 'unknown', role: 'participant', readonly: false, login: '' })
  assert.equal(readBoxState(null), { width: 0, height: 0, clients: [], hints: 0, checks: [] })
  assert.is(
    readBoxState({ clients: Array.from({ length: 1000 }, (_, i) => client(`/dev/pts/${i}`, 'x')) }).clients.length,
    BOX_LIMITS.clients,
  )
  assert.is(readBoxState({ checks: Array.from({ length: 100000 }, () => '1 c OK') }).checks.length, BOX_LIMITS.checks)
  for (const bad of [-5, NaN, Infinity, '1e9', '12abc', {}, null]) assert.is(boundedCount(bad, 20), 0)
  assert.is(boundedCount(3.7, 20), 3)
})

test('joins, role switches and leaves become events with markers', () => {
  const seen = nothingSeen()
  const state = (clients: ReturnType<typeof client>[]) => readBoxState({ width: 80, height: 24, clients, hints: 0, checks: [] })
  assert.equal(
    stateHappenings(seen, state([client('/dev/pts/1', 'alice')])).map((h) => [h.type, h.marker]),
    [['join', 'alice joined (can type)']],
  )
  assert.equal(
    stateHappenings(seen, state([client('/dev/pts/1', 'alice', true)])).map((h) => h.marker),
    ['alice is now read-only'],
  )
  assert.equal(
    stateHappenings(seen, state([])).map((h) => h.marker),
    ['alice left'],
  )
  assert.equal(stateHappenings(seen, state([])), [])
})

test('hints: a few per report, never more than the host holds, whatever the box asks for', () => {
  const seen = nothingSeen()
  const handOut = (n: number) => {
    const numbers = hintsToHandOut(seen, readBoxState({ hints: n }), 3)
    seen.hints += numbers.length
    return numbers
  }
  assert.equal(handOut(1), [1])
  assert.equal(handOut(1), [])
  assert.equal(handOut(200000), [2, 3])
  assert.equal(handOut(200000), [])
  assert.equal(handOut(0), [])
  assert.is(seen.hints, 3)
  assert.equal(hintsToHandOut(nothingSeen(), readBoxState({ hints: 200000 }), 50), [1, 2, 3])
  assert.equal(hintsToHandOut(nothingSeen(), readBoxState({ hints: 2 }), 0), [])
  assert.equal(
    stateHappenings(nothingSeen(), readBoxState({ hints: 5 })).filter((h) => h.type === 'hint'),
    [],
  )
})

test('checks: a few per report (the rest noted once, not recorded), and a total', () => {
  const seen = nothingSeen()
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `${i} candidate NO: thing ${i}`)
  const first = stateHappenings(seen, readBoxState({ checks: lines(2) }))
  assert.equal(
    first.map((h) => h.fields),
    [
      { by: 'candidate', selfReported: true, result: 'NO: thing 0' },
      { by: 'candidate', selfReported: true, result: 'NO: thing 1' },
    ],
  )
  const flood = stateHappenings(seen, readBoxState({ checks: lines(100000) }))
  assert.is(flood.filter((h) => h.type === 'check').length, STATE_LIMITS.checksPerReport)
  assert.equal(flood.at(-1)!.type, 'warning')
  assert.match(flood.at(-1)!.marker, `${BOX_LIMITS.checks - 2 - STATE_LIMITS.checksPerReport} left out`)
  assert.equal(stateHappenings(seen, readBoxState({ checks: lines(100000) })), [])
  assert.is(seen.checks, BOX_LIMITS.checks)
})

test("a check the box reports is the candidate's own, whoever its line names", () => {
  const happenings = stateHappenings(nothingSeen(), readBoxState({ checks: ['1764547200 interviewer OK'] }))
  assert.equal(happenings[0]!.fields, { by: 'candidate', selfReported: true, result: 'OK' })
  assert.is(happenings[0]!.marker, 'self-reported check: OK')
})

test('feed lines: split across chunks, and a line over the limit dropped without being held', async () => {
  const stream = new PassThrough()
  const seen: string[] = []
  boundedLines(stream, 10, (line) => seen.push(line))
  stream.write('one\ntw')
  stream.write('o\r\n')
  stream.write('x'.repeat(8))
  stream.write('x'.repeat(8))
  stream.write('x'.repeat(100) + '\nthree\n')
  stream.write('0123456789\n01234567890\nlast')
  stream.end()
  await new Promise((resolve) => stream.on('end', resolve))
  assert.equal(seen, ['one', 'two', 'three', '0123456789', 'last'])
})

test.run()
