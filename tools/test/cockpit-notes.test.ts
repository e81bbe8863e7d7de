import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { interviewersOf, notesFor, saveNote } from '../cockpit/notes.ts'
import { appendEvent } from '../recording/events.ts'

function recording(): string {
  const dir = mkdtempSync(join(tmpdir(), 'notes-'))
  writeFileSync(join(dir, 'events.jsonl'), '')
  appendEvent(dir, { t: 0, type: 'start' })
  appendEvent(dir, { t: 1, type: 'interviewer', action: 'start', by: 'alice' })
  appendEvent(dir, { t: 2, type: 'check', by: 'bob', result: 'NO: x' })
  return dir
}

test("the interview's panel: who started it, and whom a member added; a check or a note adds no one", () => {
  const dir = recording()
  assert.equal([...interviewersOf(dir)], ['alice'])
  saveNote(dir, { by: 'carol', text: 'hi', visibility: 'interview' })
  assert.equal([...interviewersOf(dir)], ['alice'], 'a note')
  appendEvent(dir, { t: 3, type: 'interviewer', action: 'panel', add: 'bob', by: 'alice' })
  assert.equal([...interviewersOf(dir)].sort(), ['alice', 'bob'])
})

test("a note is its author's last save; the panel sees it, others only when shared with everyone", () => {
  const dir = recording()
  saveNote(dir, { by: 'bob', text: 'first draft', visibility: 'interview' })
  saveNote(dir, { by: 'bob', text: 'reads logs first', visibility: 'interview' })
  assert.equal(
    notesFor(dir, 'alice').map((n) => `${n.by}: ${n.text}`),
    ['bob: reads logs first'],
  )
  assert.equal(notesFor(dir, 'dave'), [], 'an interviewer not on the panel')
  saveNote(dir, { by: 'bob', text: 'shared now', visibility: 'everyone' })
  assert.equal(
    notesFor(dir, 'dave').map((n) => n.text),
    ['shared now'],
  )
  // Every version stays in the file, private to its owner.
  assert.is(readFileSync(join(dir, 'notes.jsonl'), 'utf8').trim().split('\n').length, 3)
  assert.is(statSync(join(dir, 'notes.jsonl')).mode & 0o777, 0o600)
})

test("the reader's own note comes first, an emptied note of someone else is left out", () => {
  const dir = recording()
  saveNote(dir, { by: 'alice', text: 'a', visibility: 'interview' })
  saveNote(dir, { by: 'bob', text: 'b', visibility: 'everyone' })
  saveNote(dir, { by: 'carol', text: '', visibility: 'everyone' })
  assert.equal(
    notesFor(dir, 'alice').map((n) => n.by),
    ['alice', 'bob'],
  )
  saveNote(dir, { by: 'alice', text: '', visibility: 'interview' })
  assert.equal(
    notesFor(dir, 'alice').map((n) => `${n.by}:${n.text}`),
    ['alice:', 'bob:b'],
  )
})

test.run()
