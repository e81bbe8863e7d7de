// What the API's start and stop do: the same library calls as scripts/run.mjs and scripts/stop.mjs,
// with the request's fields checked first (a bad field is a one-line 400, nothing started).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { EGRESS, type Egress } from '../engine/address-pool.ts'
import { ensureDoor } from '../door/daemon.ts'
import { DOOR_PORT } from '../door/serve.ts'
import { connectionJson } from '../interviews/card.ts'
import { runInterview } from '../interviews/start.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { parseDuration } from '../recording/purge.ts'

export interface StartRequest {
  task: string
  ttl?: string
  variant?: string
  keys?: string[]
  egress?: Egress
  web?: boolean
}

/** The fields of a start request, or a UserError naming the first bad one. */
export function checkStartRequest(body: Record<string, unknown>): StartRequest {
  const known = ['task', 'ttl', 'variant', 'keys', 'egress', 'web']
  const unknown = Object.keys(body).find((key) => !known.includes(key))
  if (unknown) throw new UserError(`unknown field "${unknown}"`, `a start request has ${known.join(', ')}`)
  const { task, ttl, variant, keys, egress, web } = body
  if (typeof task !== 'string' || !task) throw new UserError('"task" is missing', 'name a task of GET /api/tasks')
  if (ttl !== undefined && typeof ttl !== 'string') throw new UserError('"ttl" must be a duration such as "45m"', 'or leave it out')
  if (variant !== undefined && typeof variant !== 'string')
    throw new UserError('"variant" must be a string', "name one of the task's variants")
  if (
    keys !== undefined &&
    (!Array.isArray(keys) || keys.length > 20 || keys.some((key) => typeof key !== 'string' || key.length > 16_384))
  )
    throw new UserError('"keys" must be a list of up to 20 public keys (OpenSSH lines)', 'e.g. ["ssh-ed25519 AAAA... alice@laptop"]')
  if (egress !== undefined && !EGRESS.includes(egress as Egress))
    throw new UserError(`"egress" must be one of ${EGRESS.join(', ')}`, 'or leave it out')
  if (web !== undefined && typeof web !== 'boolean') throw new UserError('"web" must be true or false', 'or leave it out')
  if (ttl !== undefined) parseDuration(ttl)
  return { task, ttl, variant, keys: keys as string[] | undefined, egress: egress as Egress | undefined, web }
}

/** Starts an interview as `run` does (front door, recorded), and returns its card as `run --json` prints it. */
export async function startFromApi(
  body: Record<string, unknown>,
  context: { by: string; gatewayUrl: string; stateDir: string; bind?: string; doorPort?: number },
): Promise<Record<string, unknown>> {
  const request = checkStartRequest(body)
  const bind = context.bind ?? '127.0.0.1'
  const doorPort = context.doorPort ?? DOOR_PORT
  // runInterview reads keys from files: the request's go to a private file for the call.
  mkdirSync(context.stateDir, { recursive: true, mode: 0o700 })
  const dir = mkdtempSync(join(context.stateDir, 'keys-'))
  try {
    const keyFile = join(dir, 'keys.pub')
    if (request.keys?.length) writeFileSync(keyFile, request.keys.join('\n') + '\n', { mode: 0o600 })
    const details = await runInterview(request.task, {
      bind,
      door: { port: doorPort, start: async () => (await ensureDoor(bind, doorPort, () => {})).fingerprint },
      webGateway: request.web ? context.gatewayUrl : undefined,
      gateway: async () => context.gatewayUrl,
      variant: request.variant,
      keys: request.keys?.length ? [keyFile] : [],
      record: true,
      ttlMs: request.ttl === undefined ? undefined : parseDuration(request.ttl),
      egress: request.egress,
    })
    return connectionJson(details)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function stopFromApi(name: string): Promise<void> {
  await stopInterviews([name])
}
