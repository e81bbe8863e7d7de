// Past (and running) interviews' recordings for the cockpit: the list, one recording's timeline and
// summary, and its cast. A name is checked before it becomes a path, so no request leaves the
// recordings folder.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { readEvents, type InterviewEvent } from '../recording/events.ts'
import { FILES, recordingsRoot } from '../recording/paths.ts'
import { summaryMarkdown } from '../recording/summary.ts'
import { notesFor, type Note } from './notes.ts'

export interface RecordingEntry {
  name: string
  task?: string
  started?: string
  ended?: string
  /** Bytes of the terminal's cast. */
  castBytes: number
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/

/** The folder of a recording, or undefined for a name that is not one (or would leave the folder). */
export function recordingFolder(name: string, root = recordingsRoot()): string | undefined {
  if (!NAME.test(name) || name.includes('..')) return undefined
  const dir = join(root, name)
  return existsSync(join(dir, FILES.events)) ? dir : undefined
}

/** Every recording, newest first. */
export function listRecordings(root = recordingsRoot()): RecordingEntry[] {
  if (!existsSync(root)) return []
  const entries = readdirSync(root)
    .filter((name) => recordingFolder(name, root))
    .map((name): RecordingEntry => {
      const dir = join(root, name)
      const events = readEvents(dir)
      const start = events.find((e) => e.type === 'start')
      const end = events.find((e) => e.type === 'end')
      const cast = join(dir, FILES.cast)
      return {
        name,
        task: typeof start?.task === 'string' ? start.task : undefined,
        started: start?.time,
        ended: end?.time,
        castBytes: existsSync(cast) ? statSync(cast).size : 0,
      }
    })
  return entries.sort((a, b) => (b.started ?? '').localeCompare(a.started ?? ''))
}

/**
 * One recording: its timeline, summary and the notes `reader` may see, and the desktop's size (0:
 * none). The cast and the desktop are fetched on their own: they can be large.
 */
export function readRecording(
  dir: string,
  reader: string,
): { events: InterviewEvent[]; summary: string; notes: Note[]; desktopBytes: number } {
  const desktop = join(dir, FILES.desktop)
  return {
    events: readEvents(dir),
    summary: summaryMarkdown(dir),
    notes: notesFor(dir, reader),
    desktopBytes: existsSync(desktop) ? statSync(desktop).size : 0,
  }
}
