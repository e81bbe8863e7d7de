// Where recordings live: recordings/<interview>/ in the repository (git-ignored), or
// $INTERVIEW_ENV_RECORDINGS. They are on the host, out of the candidate's reach, and outlive `stop`.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { REPO_ROOT } from '../core/paths.ts'

export const recordingsRoot = (env: NodeJS.ProcessEnv = process.env) =>
  resolve(env.INTERVIEW_ENV_RECORDINGS || join(REPO_ROOT, 'recordings'))
export const recordingDir = (interview: string, root = recordingsRoot()) => join(root, interview)

/** Where a new interview's recording goes: recordings/<name>/, or <name>-2/, -3/... when a name is reused. */
export function freeRecordingDir(interview: string, root = recordingsRoot()): string {
  let dir = recordingDir(interview, root)
  for (let n = 2; existsSync(dir); n++) dir = recordingDir(`${interview}-${n}`, root)
  return dir
}

export const FILES = {
  cast: 'session.cast',
  events: 'events.jsonl',
  summary: 'summary.md',
  pid: 'recorder.pid',
  /** A desktop task's screen, as the VNC server sent it (desktop-recording.ts). */
  desktop: 'desktop.rfb',
} as const
