// Plays a recording back in the terminal, at its own pace (or faster), with the timeline's
// markers (joins, checks, hints, warnings) shown on stderr as they pass. Output goes through the
// terminal filter and markers are printed escaped, so a recording made before the recorder
// filtered (or a cast from elsewhere) cannot write the clipboard or the title of this terminal.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { printable } from '../core/printable.ts'
import { TerminalFilter } from '../core/terminal-filter.ts'
import { readCast } from './cast.ts'
import { FILES, recordingDir, recordingsRoot } from './paths.ts'
import { sleep as wait } from '../core/sleep.ts'

export interface ReplayOptions {
  speed?: number
  /** Longest pause kept, in seconds (idle time is cut down to it). */
  idleLimit?: number
  write?: (text: string) => void
  note?: (text: string) => void
  sleep?: (ms: number) => Promise<void>
}

export function recordingFile(interviewOrFile: string): string {
  if (interviewOrFile.endsWith('.cast') && existsSync(interviewOrFile)) return interviewOrFile
  const file = join(recordingDir(interviewOrFile), FILES.cast)
  if (!existsSync(file))
    throw new UserError(`no recording of "${interviewOrFile}"`, `recordings are in ${recordingsRoot()}/<interview>/${FILES.cast}`)
  return file
}

export async function replay(interviewOrFile: string, options: ReplayOptions = {}): Promise<{ events: number; seconds: number }> {
  const speed = options.speed ?? 1
  if (!(speed > 0)) throw new UserError(`--speed ${speed} is not a speed`, 'use a number above 0, e.g. --speed 2')
  const idleLimit = options.idleLimit ?? 2
  const write = options.write ?? ((text) => process.stdout.write(text))
  const note = options.note ?? ((text) => process.stderr.write(`\n[${text}]\n`))
  const sleep = options.sleep ?? wait
  const { events } = readCast(recordingFile(interviewOrFile))
  const filter = new TerminalFilter()
  let last = 0
  for (const [at, kind, data] of events) {
    const pause = Math.min(Math.max(0, at - last), idleLimit)
    last = at
    if (pause > 0) await sleep((pause * 1000) / speed)
    if (kind === 'o') {
      const safe = filter.writeText(String(data))
      if (safe) write(safe)
    } else if (kind === 'm') note(printable(data))
  }
  return { events: events.length, seconds: last }
}
