// Interviewers' notes, kept beside the recording in notes.jsonl (mode 0600), never in the box. Each
// save appends the author's whole note again (the page autosaves), so the file keeps every version
// and a note is its author's last line. A note is visible to the interview's interviewers (anyone
// who acted on it in the cockpit: started, checked, noted...) or, when its author says so, to every
// interviewer. The candidate never sees one: nothing here reaches the box.
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
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

/** The interviewers who took part: whoever acted on the interview in the cockpit, or wrote a note. */
export function interviewersOf(dir: string): Set<string> {
  const names = new Set<string>()
  for (const event of readEvents(dir)) {
    if ((event.type === 'interviewer' || event.type === 'check') && typeof event.by === 'string') names.add(event.by)
  }
  for (const note of allVersions(dir)) names.add(note.by)
  return names
}

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
