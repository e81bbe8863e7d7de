// Interviewer accounts of the cockpit: a name and a secret token each. Only the tokens' hashes are
// kept, in the server's state folder (file 0600, folder 0700); the token is shown once, when added.
import { timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { recordingsRoot } from '../recording/paths.ts'
import { hashToken, newToken } from '../web/tokens.ts'

/** The server's state folder: its interviewers (and later, what else it keeps). */
export const serverDir = (env: NodeJS.ProcessEnv = process.env) => env.INTERVIEW_ENV_SERVER_DIR ?? join(recordingsRoot(env), '.server')

const FILE = 'interviewers.json'

export interface Interviewer {
  name: string
  tokenHash: string
  added: string
}

/** Names the timeline already gives to others (the candidate's own checks, the CLI's, the box's recorder). */
const RESERVED = ['candidate', 'interviewer', 'observer', 'recorder', 'participant', 'unknown']

/** A name shown on the timeline: letters, digits, dot, dash, underscore; 1 to 32 characters. */
export function checkInterviewerName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,31}$/.test(name))
    throw new UserError(
      `"${name}" is not an interviewer name`,
      'use 1 to 32 letters, digits, dots, dashes or underscores, starting with a letter',
    )
  if (RESERVED.includes(name.toLowerCase())) throw new UserError(`"${name}" names someone else on the timeline`, "choose a person's name")
  return name
}

export function readInterviewers(dir = serverDir()): Interviewer[] {
  const file = join(dir, FILE)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Interviewer[]) : []
}

function writeInterviewers(list: Interviewer[], dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = join(dir, FILE)
  writeFileSync(`${file}.new`, JSON.stringify(list, null, 2) + '\n', { mode: 0o600 })
  renameSync(`${file}.new`, file)
}

/** Adds an interviewer; returns the token, which is kept nowhere. */
export function addInterviewer(name: string, dir = serverDir()): string {
  checkInterviewerName(name)
  const list = readInterviewers(dir)
  if (list.some((i) => i.name === name))
    throw new UserError(
      `there is already an interviewer named ${name}`,
      `remove it first (interviewers.mjs remove ${name}) to give a new token`,
    )
  const token = newToken()
  writeInterviewers([...list, { name, tokenHash: hashToken(token), added: new Date().toISOString() }], dir)
  return token
}

export function removeInterviewer(name: string, dir = serverDir()): void {
  const list = readInterviewers(dir)
  if (!list.some((i) => i.name === name))
    throw new UserError(`no interviewer named ${name}`, 'see who there is: npx zx scripts/interviewers.mjs list')
  writeInterviewers(
    list.filter((i) => i.name !== name),
    dir,
  )
}

/** The interviewer whose token this is, read from the file each time (so a removal counts at once). */
export function interviewerByToken(token: string, dir = serverDir()): string | undefined {
  return accountByToken(token, dir)?.name
}

/** The account a token opens, with the hash a session keeps to outlive nothing but that token. */
export function accountByToken(token: string, dir = serverDir()): Interviewer | undefined {
  const hash = Buffer.from(hashToken(token))
  return readInterviewers(dir).find((i) => {
    const known = Buffer.from(i.tokenHash)
    return known.length === hash.length && timingSafeEqual(known, hash)
  })
}

/** Whether a session's account still exists with the token it signed in with. */
export const accountStands = (name: string, tokenHash: string, dir = serverDir()) =>
  readInterviewers(dir).some((i) => i.name === name && i.tokenHash === tokenHash)
