// Where recordings live: recordings/<interview>/ in the repository (git-ignored), or
// $INTERVIEW_ENV_RECORDINGS. They are on the host, out of the candidate's reach, and outlive `stop`.
import { join, resolve } from 'node:path'
import { REPO_ROOT } from '../images.ts'

export const recordingsRoot = (env: NodeJS.ProcessEnv = process.env) => resolve(env.INTERVIEW_ENV_RECORDINGS || join(REPO_ROOT, 'recordings'))
export const recordingDir = (interview: string, root = recordingsRoot()) => join(root, interview)

export const FILES = {
  cast: 'session.cast',
  events: 'events.jsonl',
  summary: 'summary.md',
  pid: 'recorder.pid',
  log: 'recorder.log',
} as const
