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

test("the interview's interviewers are those who acted on it or wrote a note; watching is no action", () => {
  const dir = recording()
  assert.equal([...interviewersOf(dir)].sort(), ['alice', 'bob'])
  saveNote(dir, { by: 'carol', text: 'hi', visibility: 'interview' })
  assert.equal([...interviewersOf(dir)].sort(), ['alice', 'bob', 'carol'])
})

test("a note is its author's last save; its interview's interviewers see it, others only when shared with everyone", () => {
  const dir = recording()
  saveNote(dir, { by: 'alice', text: 'first draft', visibility: 'interview' })
  saveNote(dir, { by: 'alice', text: 'reads logs first', visibility: 'interview' })
  assert.equal(
    notesFor(dir, 'bob').map((n) => `${n.by}: ${n.text}`),
    ['alice: reads logs first'],
  )
  assert.equal(notesFor(dir, 'dave'), [], 'an interviewer of another interview')
  saveNote(dir, { by: 'alice', text: 'shared now', visibility: 'everyone' })
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
  saveNote(dir, { by: 'bob', text: 'b', visibility: 'interview' })
  saveNote(dir, { by: 'carol', text: '', visibility: 'everyone' })
  assert.equal(
    notesFor(dir, 'bob').map((n) => n.by),
    ['bob', 'alice'],
  )
  saveNote(dir, { by: 'bob', text: '', visibility: 'interview' })
  assert.equal(
    notesFor(dir, 'bob').map((n) => `${n.by}:${n.text}`),
    ['bob:', 'alice:a'],
  )
})

test.run()
