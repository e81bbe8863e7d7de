import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEvents } from '../recording/events.ts'
import { participantTimeline } from '../recording/participant-timeline.ts'

const recording = (startedMs: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'timeline-'))
  writeFileSync(join(dir, 'events.jsonl'), JSON.stringify({ time: '', t: 0, type: 'start', startedMs }) + '\n')
  return dir
}

test("a participant's join, keys and leave go on the timeline with who, role and door, on the cast's clock", () => {
  const dir = recording(Date.now() - 5000)
  const alice = participantTimeline(dir, { who: 'alice', role: 'observer', session: 'door-1', by: 'door' })
  alice.join(true)
  alice.input(Buffer.from('ls\r'), 'read-only')
  alice.input(Buffer.from('\x1b[?1;2c'))
  alice.leave()
  alice.input(Buffer.from('late\r'))
  const events = readEvents(dir).slice(1)
  assert.equal(
    events.map(({ type, who, role, by, login, data, ignored, tty }) => ({ type, who, role, by, login, data, ignored, tty })),
    [
      { type: 'join', who: 'alice', role: 'observer', by: 'door', login: undefined, data: undefined, ignored: undefined, tty: 'door-1' },
      { type: 'input', who: 'alice', role: 'observer', by: 'door', login: 'door-1', data: 'ls\r', ignored: 'read-only', tty: undefined },
      { type: 'leave', who: 'alice', role: 'observer', by: 'door', login: undefined, data: undefined, ignored: undefined, tty: 'door-1' },
      { type: 'input', who: 'alice', role: 'observer', by: 'door', login: 'door-1', data: 'late\r', ignored: undefined, tty: undefined },
    ],
  )
  assert.ok(
    events.every((e) => e.t >= 5 && e.t < 60),
    'on the cast clock',
  )
  assert.ok(readFileSync(join(dir, 'events.jsonl'), 'utf8').endsWith('\n'))
})

test('nothing is written without a recording', () => {
  const bob = participantTimeline(undefined, { who: 'bob', role: 'candidate', session: 's', by: 'web' })
  bob.join(false)
  bob.input(Buffer.from('x'))
  bob.leave()
  const dir = mkdtempSync(join(tmpdir(), 'timeline-'))
  participantTimeline(dir, { who: 'bob', role: 'candidate', session: 's', by: 'web' }).join(false)
  assert.equal(readEvents(dir), [])
})

test.run()
