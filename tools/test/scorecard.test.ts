import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scoreCriterion, scorecardOf } from '../cockpit/scorecard.ts'
import { appendEvent } from '../recording/events.ts'
import { summaryMarkdown } from '../recording/summary.ts'

function recordingOf(task: string, ended = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'scores-'))
  writeFileSync(join(dir, 'events.jsonl'), '')
  appendEvent(dir, { t: 0, type: 'start', interview: `${task}-x`, task })
  if (ended) appendEvent(dir, { t: 60, type: 'end' })
  return dir
}

test("an interview's scorecard is its task's rubric; each interviewer's last score counts, and the summary carries them", () => {
  const dir = recordingOf('hello')
  assert.equal(
    scorecardOf(dir).rubric.map((c) => c.name),
    ['Finding the service', 'HTTP by hand', 'Care with the result'],
  )
  scoreCriterion(dir, 'alice', { criterion: 'HTTP by hand', score: 1 })
  scoreCriterion(dir, 'alice', { criterion: 'HTTP by hand', score: 3 })
  const card = scoreCriterion(dir, 'bob', { criterion: 'Finding the service', score: 2 })
  assert.equal(JSON.parse(JSON.stringify(card.scores)), { alice: { 'HTTP by hand': 3 }, bob: { 'Finding the service': 2 } })
  assert.is(statSync(join(dir, 'scores.jsonl')).mode & 0o777, 0o600)
  const summary = summaryMarkdown(dir)
  assert.match(
    summary,
    /## Scores\n\n\| criterion \| alice \| bob \|\n\|---\|---\|---\|\n\| HTTP by hand \| 3 \| - \|\n\| Finding the service \| - \| 2 \|/,
  )
})

test("a name or criterion that is one of Object's own is only a key", () => {
  const dir = recordingOf('hello')
  scoreCriterion(dir, 'constructor', { criterion: 'HTTP by hand', score: 2 })
  scoreCriterion(dir, 'toString', { criterion: 'HTTP by hand', score: 1 })
  assert.is(JSON.stringify(scorecardOf(dir).scores), '{"constructor":{"HTTP by hand":2},"toString":{"HTTP by hand":1}}')
  assert.is(typeof ({} as { constructor: unknown }).constructor, 'function')
  assert.match(summaryMarkdown(dir), /\| HTTP by hand \| 2 \| 1 \|/)
})

test('a score outside the rubric is refused with what it may be', () => {
  const dir = recordingOf('hello')
  assert.throws(() => scoreCriterion(dir, 'alice', { criterion: 'Charm', score: 3 }), /"criterion" must be one of: Finding the service/)
  assert.throws(() => scoreCriterion(dir, 'alice', { criterion: 'HTTP by hand', score: 9 }), /must be one of 1, 2, 3/)
  assert.throws(() => scoreCriterion(dir, 'alice', { criterion: 'HTTP by hand', score: '3' }), /must be one of 1, 2, 3/)
  assert.throws(() => scoreCriterion(recordingOf('zombies'), 'alice', { criterion: 'x', score: 1 }), /task zombies has no rubric/)
})

test('a score given after the interview ended is in the summary file too', () => {
  const dir = recordingOf('hello', true)
  scoreCriterion(dir, 'alice', { criterion: 'Care with the result', score: 3 })
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /\| Care with the result \| 3 \|/)
})

test.run()
