import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execHappening, FEED_LIMITS, readFeedLine } from '../recording/feed-reports.ts'
import { CommandRoles } from '../recording/command-roles.ts'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appendEvent } from '../recording/events.ts'
import { LatestOnly } from '../recording/latest-only.ts'
import { timeLimitStep } from '../recording/time-limit.ts'

test('a time limit warns once at 10 minutes and once at 2, a short one once, then expires', () => {
  const end = 1_000_000_000
  const warned = new Set<number>()
  assert.is(timeLimitStep(end, end - 900_000, warned), undefined)
  assert.equal(timeLimitStep(end, end - 599_000, warned), {
    warning: 'interview-env: 10 minutes left, then this interview ends',
    secondsLeft: 599,
  })
  assert.is(timeLimitStep(end, end - 598_000, warned), undefined)
  assert.equal(timeLimitStep(end, end - 119_000, warned), {
    warning: 'interview-env: 2 minutes left, then this interview ends',
    secondsLeft: 119,
  })
  assert.is(timeLimitStep(end, end - 60_000, warned), undefined)
  assert.equal(timeLimitStep(end, end, warned), { expired: true })
  const short = new Set<number>()
  assert.ok(timeLimitStep(end, end - 20_000, short))
  assert.is(timeLimitStep(end, end - 19_000, short), undefined, 'a 20 s limit warns once, not twice')
})

test('a feed line is read as untrusted: torn or odd lines give nothing, strings are cut, commands become exec events', () => {
  assert.equal(readFeedLine('{"state": {'), {})
  assert.equal(readFeedLine('42'), {})
  assert.equal(readFeedLine('{"input": {"data": 7}}'), {})
  const typed = readFeedLine(
    JSON.stringify({ input: { who: 'alice', role: 'candidate', login: '9', data: Buffer.from('ls\r').toString('base64') } }),
  )
  assert.equal(typed.input, { who: 'alice', role: 'candidate', login: '9', data: 'ls\r' })
  const long = readFeedLine(
    JSON.stringify({ exec: { event: 'start', who: 'x'.repeat(500), role: 'candidate', login: '1', command: 'y'.repeat(5000) } }),
  )
  assert.ok(String(long.exec?.fields.command).length <= FEED_LIMITS.commandChars)
  assert.ok(String(long.exec?.fields.who).length <= 100)
  assert.is(
    execHappening({ event: 'end', who: 'bob', role: 'interviewer', login: '2', command: 'id', status: 3 })?.marker,
    'bob (interviewer) finished: id (exit 3)',
  )
  assert.is(execHappening({ event: 'something-else' }), undefined)
})

test('of values pushed faster than the interval, only the latest is applied, and flush applies what waits', async () => {
  const applied: number[] = []
  const latest = new LatestOnly<number>(async (value) => void applied.push(value), 50)
  latest.push(1)
  await new Promise((resolve) => setTimeout(resolve, 10))
  latest.push(2)
  latest.push(3)
  await new Promise((resolve) => setTimeout(resolve, 80))
  latest.push(4)
  await latest.flush()
  assert.equal(applied, [1, 3, 4])
})

test("role switches written by role.mjs are matched once against what the recorder sees; others are the recorder's to write", () => {
  const dir = mkdtempSync(join(tmpdir(), 'command-roles-'))
  const role = (readonly: boolean, by?: string) =>
    appendEvent(dir, { t: 0, type: 'role', tty: '/dev/pts/3', readonly, ...(by ? { by } : {}) })
  const roles = new CommandRoles(dir)
  // Two quick switches by the command; the recorder saw the first, then the second.
  role(false, 'role.mjs')
  role(true, 'role.mjs')
  roles.update()
  assert.ok(roles.explains('/dev/pts/3', false))
  assert.ok(roles.explains('/dev/pts/3', true))
  roles.settle('/dev/pts/3', true)
  // A switch made inside tmux later is no command's.
  roles.update()
  assert.not.ok(roles.explains('/dev/pts/3', false))
  // Two quick switches the recorder never saw (it saw the client in the last role): forgotten at its
  // next look, so a later switch inside tmux is not mistaken for them.
  role(false, 'role.mjs')
  role(true, 'role.mjs')
  roles.update()
  roles.settle('/dev/pts/3', true)
  role(false)
  roles.update()
  assert.not.ok(roles.explains('/dev/pts/3', false))
})

test.run()
