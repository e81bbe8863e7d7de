import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CastWriter, castTail, readCast, resumeCast } from '../recording/cast.ts'
import type { InterviewEvent } from '../recording/events.ts'
import { readFeedLine } from '../recording/feed-reports.ts'
import { isAlive, withLock } from '../recording/pid-file.ts'
import { summaryMarkdown } from '../recording/summary.ts'
import { appendEvent } from '../recording/events.ts'
import { seenFromTimeline } from '../recording/state-events.ts'
import { timeLimitStep, warnedFromTimeline } from '../recording/time-limit.ts'
import { sleep } from '../core/sleep.ts'

const fresh = () => mkdtempSync(join(tmpdir(), 'resume-test-'))

test("a cast's tail: the last whole event's time, and the bytes of a torn line to cut", () => {
  assert.equal(castTail('{"version":2}\n[0.5,"o","a"]\n[1.25,"m","x"]\n'), { torn: 0, lastT: 1.25 })
  const torn = '[1.25,"o","b\\u00'
  assert.equal(castTail(`[0.5,"o","a"]\n${torn}`), { torn: torn.length, lastT: 0.5 })
  // The tail may begin mid-line; a header alone has no event.
  assert.equal(castTail('o","cut"]\n[2,"o","c"]\n'), { torn: 0, lastT: 2 })
  assert.equal(castTail('{"version":2,"width":80}\n'), { torn: 0, lastT: undefined })
})

test('a resumed cast keeps its header, loses a torn line, and goes on on the same clock', () => {
  const file = join(fresh(), 'session.cast')
  const first = new CastWriter(file, { width: 80, height: 24 }, 10_000, 1_000_000)
  first.output(Buffer.from('héllo'), 1_001_000)
  first.close()
  appendFileSync(file, '[1.5,"o","torn by a kill') // the recorder died mid-write
  const header = readFileSync(file, 'utf8').split('\n')[0]
  const { started, lastT } = resumeCast(file)
  assert.equal({ started, lastT }, { started: 1_000_000, lastT: 1 })
  const second = new CastWriter(file, null, 10_000, 1_030_000, started)
  second.marker('recorder restarted: nothing was recorded for 29 s', 1_030_000)
  second.output(Buffer.from('after'), 1_031_000)
  second.close()
  assert.is(readFileSync(file, 'utf8').split('\n')[0], header)
  assert.equal(readCast(file).events, [
    [1, 'o', 'héllo'],
    [30, 'm', 'recorder restarted: nothing was recorded for 29 s'],
    [31, 'o', 'after'],
  ])
  writeFileSync(file, '{"version":1}\n')
  assert.throws(() => resumeCast(file), /not an asciicast v2/)
})

const at = (t: number, type: InterviewEvent['type'], fields: Record<string, unknown> = {}): InterviewEvent => ({
  t,
  time: '',
  type,
  ...fields,
})

test('a resumed timeline knows who is attached, in which role, and the hints and checks already written', () => {
  const seen = seenFromTimeline([
    at(0, 'start'),
    at(1, 'join', { who: 'alice', role: 'candidate', readonly: false, tty: '/dev/pts/1' }),
    at(2, 'join', { who: 'carol', role: 'observer', readonly: true, tty: '/dev/pts/2' }),
    at(3, 'role', { who: 'carol', readonly: false, tty: '/dev/pts/2', by: 'interviewer' }),
    at(4, 'join', { who: 'bob', role: 'interviewer', readonly: false, tty: '/dev/pts/3' }),
    at(5, 'leave', { who: 'bob', role: 'interviewer', tty: '/dev/pts/3' }),
    at(6, 'hint', { number: 1 }),
    at(7, 'check', { by: 'candidate', selfReported: true, result: 'NO' }),
    at(8, 'check', { by: 'candidate', selfReported: true, result: 'OK' }),
    at(9, 'check', { by: 'interviewer', result: 'OK' }),
  ])
  assert.equal(
    [...seen.clients.values()].map((c) => [c.who, c.readonly]),
    [
      ['alice', false],
      ['carol', false],
    ],
  )
  assert.equal([seen.hints, seen.checks], [1, 2])
})

test('warnings already on the timeline are not given again; the next one is', () => {
  const endsAt = 10_000_000
  const warned = warnedFromTimeline([at(0, 'start'), at(5, 'warning', { secondsLeft: 590, message: '10 minutes' })])
  assert.equal([...warned], [600])
  assert.is(timeLimitStep(endsAt, endsAt - 500_000, warned), undefined)
  assert.ok(timeLimitStep(endsAt, endsAt - 100_000, warned))
  // A warning past both thresholds (a short limit) counts for both.
  assert.equal([...warnedFromTimeline([at(0, 'warning', { secondsLeft: 20 })])].sort(), [120, 600])
})

test('a lock is held by one at a time, and taken over from a holder that died', async () => {
  const lock = join(fresh(), 'lock')
  const order: string[] = []
  const hold = (name: string) =>
    withLock(lock, async () => {
      order.push(`${name} in`)
      await sleep(60)
      order.push(`${name} out`)
    })
  await Promise.all([hold('a'), hold('b')])
  assert.equal(order, ['a in', 'a out', 'b in', 'b out'])
  writeFileSync(lock, '999999999') // a pid no process has
  assert.not.ok(isAlive(999999999))
  assert.is(await withLock(lock, () => 'taken'), 'taken')
  assert.ok(isAlive(process.pid) && isAlive(process.pid, 'node') && !isAlive(process.pid, 'no-such-script'))
})

test('a restarted feed reports a keystroke log from its start: the bytes already on the timeline are skipped', () => {
  const line = (data: string) =>
    JSON.stringify({ input: { login: '42', who: 'alice', role: 'candidate', data: Buffer.from(data).toString('base64') } })
  const asked: [string, number][] = []
  const skip = (login: string, bytes: number) => (asked.push([login, bytes]), 3)
  assert.is(readFeedLine(line('ls\recho hé\r'), skip).input?.data, 'echo hé\r')
  assert.equal(asked, [['42', 12]])
  assert.is(readFeedLine(line('ls\r'), () => 3).input, undefined, 'nothing new: no event')
  assert.is(readFeedLine(line('ls\r')).input?.data, 'ls\r')
})

test('the summary says how long was not recorded', () => {
  const dir = fresh()
  appendEvent(dir, { t: 0, type: 'start', interview: 'x', task: 'hello' })
  assert.not.match(summaryMarkdown(dir), /Not recorded/)
  appendEvent(dir, { t: 30, type: 'gap', seconds: 12, from: 18 })
  appendEvent(dir, { t: 90, type: 'gap', seconds: 5, from: 85 })
  assert.match(summaryMarkdown(dir), '- **Not recorded:** 17 s in 2 gaps (the recorder was restarted)')
})

test.run()
