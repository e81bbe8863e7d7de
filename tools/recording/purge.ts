// Deletes recordings older than a given age: whole recordings/<interview>/ folders, judged by the
// newest file in them, and never one whose recorder is still running.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { FILES, recordingsRoot } from './paths.ts'

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `30d`, `12h`, `90m`, `2w` → milliseconds. */
export function parseAge(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim())
  if (!match) throw new UserError(`"${text}" is not an age`, 'use a number and a unit: 90m, 12h, 30d or 2w')
  return Number(match[1]) * UNITS[match[2]!]!
}

/** `90m`, `1h30m`, `45s` → milliseconds (a time limit). */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim())
  if (!match || !text.trim() || match.slice(1).every((part) => part === undefined)) {
    throw new UserError(`"${text}" is not a duration`, 'use hours, minutes and seconds: 90m, 1h30m, 45s')
  }
  const [, h = '0', m = '0', s = '0'] = match
  const ms = (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000
  if (ms < 10_000) throw new UserError(`a time limit of ${text} is too short`, 'give at least 10s')
  return ms
}

export function purgeRecordings(olderThanMs: number, options: { root?: string; dryRun?: boolean; now?: number } = {}): string[] {
  const root = options.root ?? recordingsRoot()
  if (!existsSync(root)) return []
  const cutoff = (options.now ?? Date.now()) - olderThanMs
  const removed: string[] = []
  for (const name of readdirSync(root)) {
    const dir = join(root, name)
    if (!statSync(dir).isDirectory() || existsSync(join(dir, FILES.pid))) continue
    const newest = Math.max(statSync(dir).mtimeMs, ...readdirSync(dir).map((file) => statSync(join(dir, file)).mtimeMs))
    if (newest >= cutoff) continue
    if (!options.dryRun) rmSync(dir, { recursive: true, force: true })
    removed.push(name)
  }
  return removed.sort()
}
