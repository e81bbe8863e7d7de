// Interviewers' notes, kept beside the recording in notes.jsonl (mode 0600), never in the box. Each
// save appends the author's whole note again (the page autosaves), so the file keeps every version
// and a note is its author's last line. A note is visible to the interview's panel (who started it
// in the cockpit, and whom a panel member added) or, when its author says so, to every interviewer.
// Acting on an interview (a check, a note) adds no one to its panel. The candidate never sees a note:
// nothing here reaches the box.
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { readEvents } from '../recording/events.ts'

export const NOTES_FILE = 'notes.jsonl'
export const MAX_NOTE = 10_000

export type NoteVisibility = 'interview' | 'everyone'
export const NOTE_VISIBILITIES: NoteVisibility[] = ['interview', 'everyone']

export interface Note {
  time: string
  by: string
  text: string
  visibility: NoteVisibility
}

/** Every saved version, oldest first (a line without a visibility predates it: the interview's). */
function allVersions(dir: string): Note[] {
  const file = join(dir, NOTES_FILE)
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Partial<Note>)
    .filter((note): note is Note => typeof note.by === 'string' && typeof note.text === 'string')
    .map((note) => ({ ...note, visibility: note.visibility === 'everyone' ? 'everyone' : 'interview' }))
}

/** The interview's panel: who started it in the cockpit, and whom a panel member added (the timeline says). */
export function interviewersOf(dir: string): Set<string> {
  const names = new Set<string>()
  for (const event of readEvents(dir)) {
    if (event.type !== 'interviewer') continue
    if (event.action === 'start' && typeof event.by === 'string') names.add(event.by)
    if (event.action === 'panel' && typeof event.add === 'string') names.add(event.add)
  }
  return names
}

/** A panel's notes file stops growing here: a note is at most MAX_NOTE, and a person rewrites it a few hundred times. */
export const MAX_NOTES_FILE = 4 * 1024 * 1024

/** Whether the notes file has room for one more save. */
export const notesHaveRoom = (dir: string) => !existsSync(join(dir, NOTES_FILE)) || statSync(join(dir, NOTES_FILE)).size < MAX_NOTES_FILE

/** Saves an interviewer's note (the whole text, again). */
export function saveNote(dir: string, note: Omit<Note, 'time'>): Note {
  const saved = { time: new Date().toISOString(), ...note }
  appendFileSync(join(dir, NOTES_FILE), JSON.stringify(saved) + '\n', { mode: 0o600 })
  return saved
}

/** Each author's current note that `reader` may see, the reader's own first. */
export function notesFor(dir: string, reader: string): Note[] {
  const latest = new Map<string, Note>()
  for (const note of allVersions(dir)) latest.set(note.by, note)
  const taking = interviewersOf(dir).has(reader)
  return [...latest.values()]
    .filter((note) => note.by === reader || note.visibility === 'everyone' || taking)
    .filter((note) => note.text.trim() !== '' || note.by === reader)
    .sort((a, b) => Number(b.by === reader) - Number(a.by === reader) || a.by.localeCompare(b.by))
}
