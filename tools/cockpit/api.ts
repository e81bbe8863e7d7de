// The cockpit's HTTP API (docs/api.md): JSON under /api/, for a signed-in browser (session cookie,
// plus the CSRF header on every change) or a script (Authorization: Bearer <token>). Bad input is
// 400 with a one-line reason, an unknown name 404, no valid session or token 401; failed sign-ins
// and bad tokens count against the gateway's failure limit (429 past it). Every change is written to
// the interview's timeline under the interviewer's name.
import { createReadStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type Docker from 'dockerode'
import { UserError } from '../core/errors.ts'
import { LABEL } from '../engine/names.ts'
import { findRunningInterview } from '../interviews/find.ts'
import { attached, listInterviews, type InterviewSummary } from '../interviews/list.ts'
import { stopSwarmInterviews, swarmInterviewsIfAny, type SwarmInterviewSummary } from '../interviews/swarm.ts'
import { swarmBoxIfAny } from '../interviews/engine-of.ts'
import { checkInterview } from '../live/checks.ts'
import { applyFault, faultsOf } from '../live/faults.ts'
import { setReadOnly } from '../live/roles.ts'
import { FILES } from '../recording/paths.ts'
import { listRecordings, readRecording, recordingFolder } from './recordings.ts'
import { streamTimeline } from './timeline-stream.ts'
import { appendEvent, castClock } from '../recording/events.ts'
import { catalogEntries } from '../tasks/catalog.ts'
import type { FailureLimiter } from '../web/rate-limit.ts'
import type { CockpitHandlers } from '../web/gateway.ts'
import { webRoleOf } from '../web/terminal-socket.ts'
import { accountByToken, accountStands, interviewerByToken, readInterviewers, serverDir } from './interviewers.ts'
import { CSRF_HEADER, SESSION_COOKIE, Sessions, cookieValue, sessionCookie } from './sessions.ts'
import { startFromApi, stopFromApi } from './interview-actions.ts'
import { scoreCriterion, scorecardOf } from './scorecard.ts'
import {
  MAX_NOTE,
  MAX_NOTES_FILE,
  NOTE_VISIBILITIES,
  interviewersOf,
  notesFor,
  notesHaveRoom,
  saveNote,
  type NoteVisibility,
} from './notes.ts'
import { TimelineDigests } from './timeline-digest.ts'

export interface ApiOptions {
  docker: Docker
  limiter: FailureLimiter
  address: (req: IncomingMessage) => string
  secure: boolean
  /** The gateway's own URL, for the web links of interviews started here. */
  gatewayUrl: () => string
  stateDir?: string
  /** Where interviews started here listen (their front door). */
  bind?: string
  /** The port of their front door (default: DOOR_PORT). */
  doorPort?: number
  sessions?: Sessions
}

/** A running interview's box and the engine that runs it (a Swarm node's, for one on the Swarm). */
interface Place {
  container: Docker.Container
  docker: Docker
  onSwarm: boolean
}

/** The seconds until a time limit (an ISO time) ends the interview; null without one. */
function secondsLeft(endsAt: string | undefined): number | null {
  const at = Date.parse(endsAt ?? '')
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - Date.now()) / 1000))
}

/** The largest request body the API reads. */
export const MAX_BODY = 64 * 1024

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
  res.end(JSON.stringify(body) + '\n')
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new HttpError(400, 'send the body as JSON (Content-Type: application/json)')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new HttpError(413, `the body is over ${MAX_BODY} bytes`)
    chunks.push(chunk as Buffer)
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  } catch {
    throw new HttpError(400, 'the body is not valid JSON')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object')
  return body as Record<string, unknown>
}

/** A path segment, decoded; a malformed escape is bad input, not a crash. */
function segment(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new HttpError(400, 'the path has a malformed %-escape')
  }
}

const bearer = (req: IncomingMessage) => /^Bearer ([A-Za-z0-9_-]{1,100})$/.exec(req.headers.authorization ?? '')?.[1]

/** The cockpit's handlers: the API (every request whose path starts with /api/) and its terminals. */
export function cockpitApi(options: ApiOptions): CockpitHandlers {
  const sessions = options.sessions ?? new Sessions()
  const stateDir = options.stateDir ?? serverDir()
  const { docker, limiter } = options

  /** Who is asking: from a bearer token or a session cookie (with its CSRF header on a change). */
  const who = (req: IncomingMessage): string => {
    const address = options.address(req)
    const token = bearer(req)
    if (req.headers.authorization !== undefined) {
      if (limiter.blocked(address, token)) throw new HttpError(429, 'too many failed attempts: wait a minute')
      const name = token && interviewerByToken(token, stateDir)
      if (!name) {
        limiter.fail(address, token)
        throw new HttpError(401, 'this token is not valid: ask for one (npx zx scripts/interviewers.mjs add NAME)')
      }
      limiter.succeed(token!)
      return name
    }
    const session = sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE))
    if (!session) throw new HttpError(401, 'sign in first: POST /api/session with your token')
    // A removed interviewer's sessions end with the account, and with the token they signed in with.
    if (!accountStands(session.name, session.tokenHash, stateDir)) {
      sessions.dropAllOf(session.name)
      throw new HttpError(401, 'this account was removed, or given a new token: sign in again')
    }
    if (req.method !== 'GET' && req.headers[CSRF_HEADER] !== session.csrf)
      throw new HttpError(403, `a change needs the ${CSRF_HEADER} header given at sign-in`)
    return session.name
  }

  /**
   * Where a running interview's box is, and the engine that acts on it: this server's, or, for an
   * interview on the Swarm, its node's (engine-of.ts). 404 when none runs; 409 when it is lost.
   */
  const placeOf = async (name: string): Promise<Place> => {
    const here = await findRunningInterview(docker, name)
    if (here) return { container: here, docker, onSwarm: false }
    const box = await swarmBoxIfAny(name).catch((error: Error) => Promise.reject(new HttpError(409, error.message)))
    if (!box) throw new HttpError(404, `no running interview named ${name}`)
    return { container: box.container, docker: box.docker, onSwarm: true }
  }
  const interviewOr404 = async (name: string) => (await placeOf(name)).container

  /** The recording folder of a running interview (404 when none runs, 409 when it is not recorded). */
  const recordingOf = async (name: string): Promise<string> => {
    const dir = (await (await interviewOr404(name)).inspect()).Config.Labels[LABEL.recording]
    if (!dir || !existsSync(dir)) throw new HttpError(409, `${name} is not recorded: there is no timeline to keep this beside`)
    return dir
  }

  /** Writes an interviewer's action on the interview's timeline (when it is recorded). */
  const onTimeline = async (name: string, action: Record<string, unknown>) => {
    const container = await placeOf(name).then(
      (place) => place.container,
      () => undefined,
    )
    const recording = container && (await container.inspect()).Config.Labels[LABEL.recording]
    if (recording && existsSync(recording)) appendEvent(recording, { t: castClock(recording), type: 'interviewer', ...action })
    return recording
  }

  const digests = new TimelineDigests()
  /** An interview as the cockpit shows it: its summary, variant, panel, checks, hints used, faults and time left. */
  const describe = async (summary: InterviewSummary) => {
    const container = summary.state === 'running' && (await findRunningInterview(docker, summary.name))
    const labels: Record<string, string | undefined> = container ? (await container.inspect()).Config.Labels : {}
    const recording = labels[LABEL.recording]
    const recorded = !!recording && existsSync(recording)
    return {
      ...summary,
      variant: labels[LABEL.variant],
      recorded,
      panel: recorded ? [...interviewersOf(recording)] : [],
      ...(recorded ? digests.of(recording) : { checks: [], hintsUsed: 0, faultsApplied: [] }),
      secondsLeft: secondsLeft(labels[LABEL.endsAt]),
    }
  }

  /** Every running interview as the cockpit shows it; one that cannot be read is listed as `list` has it. */
  const describeAll = async () => {
    const [summaries, onSwarm] = await Promise.all([listInterviews(docker), swarmInterviewsIfAny()])
    const described = await Promise.allSettled(summaries.map(describe))
    return [
      ...described.map((result, i) => (result.status === 'fulfilled' ? result.value : summaries[i]!)),
      ...onSwarm.map(describeOnSwarm),
    ]
  }

  /** An interview on the Swarm, from its service: its node, its state there (`lost` when the node is down), its timeline so far. */
  const describeOnSwarm = (summary: SwarmInterviewSummary) => {
    const recorded = !!summary.recording && existsSync(summary.recording)
    return {
      name: summary.name,
      task: summary.task,
      address: summary.address,
      createdAt: summary.createdAt,
      state: summary.state,
      engine: 'swarm',
      node: summary.node,
      clients: null,
      people: [],
      services: [],
      recorded,
      panel: recorded ? [...interviewersOf(summary.recording!)] : [],
      ...(recorded ? digests.of(summary.recording!) : { checks: [], hintsUsed: 0, faultsApplied: [] }),
      secondsLeft: secondsLeft(summary.endsAt),
    }
  }

  const routes = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const method = req.method ?? 'GET'
    if (path === '/api/session') {
      if (method === 'POST') {
        const address = options.address(req)
        if (limiter.blocked(address)) throw new HttpError(429, 'too many failed sign-ins: wait a minute')
        const { token } = await readBody(req)
        const account = typeof token === 'string' && token.length <= 100 ? accountByToken(token, stateDir) : undefined
        if (!account) {
          limiter.fail(address)
          throw new HttpError(401, 'this token is not valid')
        }
        const name = account.name
        const { id, session } = sessions.create(name, account.tokenHash)
        return json(
          res,
          200,
          { name, csrf: session.csrf },
          { 'set-cookie': sessionCookie(id, { secure: options.secure, maxAgeSeconds: 12 * 3600 }) },
        )
      }
      if (method === 'DELETE') {
        who(req)
        sessions.drop(cookieValue(req.headers.cookie, SESSION_COOKIE))
        return json(res, 200, { signedOut: true }, { 'set-cookie': sessionCookie('', { secure: options.secure, maxAgeSeconds: 0 }) })
      }
      // The page reads its CSRF token again after a reload (only a same-origin script can read this).
      if (method === 'GET') {
        const name = who(req)
        return json(res, 200, { name, csrf: sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE))?.csrf })
      }
      throw new HttpError(405, 'use POST to sign in, GET to see who you are, DELETE to sign out')
    }
    const by = who(req)
    if (path === '/api/tasks' && method === 'GET')
      return json(
        res,
        200,
        catalogEntries().map(({ name, info }) => ({
          name,
          title: info.title,
          difficulty: info.difficulty,
          minutes: info.minutes,
          skills: info.skills,
          tools: info.tools,
          variants: info.variants,
        })),
      )
    if (path === '/api/interviews') {
      if (method === 'GET') return json(res, 200, await describeAll())
      if (method === 'POST') {
        const card = await startFromApi(await readBody(req), {
          by,
          gatewayUrl: options.gatewayUrl(),
          stateDir,
          bind: options.bind,
          doorPort: options.doorPort,
        })
        await onTimeline(String(card.name), { action: 'start', by })
        return json(res, 201, card)
      }
      throw new HttpError(405, 'use GET to list interviews, POST to start one')
    }
    if (path === '/api/recordings' && method === 'GET') return json(res, 200, listRecordings())
    const recording = /^\/api\/recordings\/([^/]+)(\/cast|\/desktop|\/scorecard)?$/.exec(path)
    if (recording) {
      const dir = recordingFolder(segment(recording[1]!))
      if (!dir) throw new HttpError(404, 'no recording of that name (GET /api/recordings lists them)')
      if (recording[2] === '/scorecard') {
        if (method === 'GET') return json(res, 200, scorecardOf(dir))
        if (method === 'POST') return json(res, 200, scoreCriterion(dir, by, await readBody(req)))
        throw new HttpError(405, 'use GET to read the scorecard, POST to score a criterion')
      }
      if (method !== 'GET') throw new HttpError(405, `${method} is not an action on ${path}`)
      if (!recording[2]) return json(res, 200, readRecording(dir, by))
      const desktop = recording[2] === '/desktop'
      const file = join(dir, desktop ? FILES.desktop : FILES.cast)
      if (!existsSync(file))
        throw new HttpError(404, desktop ? 'this recording has no desktop (not a desktop task)' : 'this recording has no cast')
      res.writeHead(200, {
        'content-type': desktop ? 'application/octet-stream' : 'application/x-asciicast',
        'cache-control': 'no-store',
        'content-disposition': `attachment; filename="${recording[1]}${desktop ? '-desktop.rfb' : '.cast'}"`,
      })
      return void createReadStream(file).pipe(res)
    }
    const one = /^\/api\/interviews\/([^/]+)(?:\/(check|notes|break|role|faults|events|scorecard|panel))?$/.exec(path)
    if (!one) throw new HttpError(404, 'no such API path (see docs/api.md)')
    const name = segment(one[1]!)
    const action = one[2]
    if (!action && method === 'GET') {
      const place = await placeOf(name)
      if (place.onSwarm) {
        const summary = (await swarmInterviewsIfAny()).find((one) => one.name === name)
        if (!summary) throw new HttpError(404, `no running interview named ${name}`)
        return json(res, 200, { ...describeOnSwarm(summary), ...(await attached(place.container)) })
      }
      const summary = (await listInterviews(docker)).find((i) => i.name === name)
      if (!summary) throw new HttpError(404, `no running interview named ${name}`)
      return json(res, 200, await describe(summary))
    }
    if (!action && method === 'DELETE') {
      // A lost interview on the Swarm is taken down all the same.
      const onSwarm = await placeOf(name).then(
        (place) => place.onSwarm,
        (error: unknown) => (error instanceof HttpError && error.status === 409 ? true : Promise.reject(error)),
      )
      await onTimeline(name, { action: 'stop', by })
      await (onSwarm ? stopSwarmInterviews([name]) : stopFromApi(name))
      return json(res, 200, { stopped: name })
    }
    if (action === 'check' && method === 'POST') {
      const result = await checkInterview(name, { by, docker: (await placeOf(name)).docker })
      return json(res, 200, result)
    }
    if (action === 'notes' && method === 'POST') {
      await interviewOr404(name)
      const { text, visibility = 'interview' } = await readBody(req)
      if (typeof text !== 'string') throw new HttpError(400, 'give the note as {"text": "...", "visibility": "interview"|"everyone"}')
      if (text.length > MAX_NOTE) throw new HttpError(400, `a note is at most ${MAX_NOTE} characters`)
      if (!NOTE_VISIBILITIES.includes(visibility as NoteVisibility))
        throw new HttpError(400, 'visibility is "interview" (its interviewers) or "everyone" (every interviewer)')
      const dir = await recordingOf(name)
      if (!notesHaveRoom(dir)) throw new HttpError(413, `${name}'s notes are full (${MAX_NOTES_FILE} bytes of saves)`)
      const recording = await onTimeline(name, { action: 'note', by })
      if (!recording) throw new HttpError(409, `${name} is not recorded: its notes would have nowhere to go`)
      saveNote(recording, { by, text, visibility: visibility as NoteVisibility })
      return json(res, 201, { saved: true })
    }
    if (action === 'notes' && method === 'GET') {
      const dir = (await (await interviewOr404(name)).inspect()).Config.Labels[LABEL.recording]
      return json(res, 200, dir && existsSync(dir) ? notesFor(dir, by) : [])
    }
    if (action === 'faults' && method === 'GET') {
      const place = await placeOf(name)
      return json(
        res,
        200,
        (await faultsOf(name, place.docker)).map(({ name, description }) => ({ name, description })),
      )
    }
    if (action === 'break' && method === 'POST') {
      const place = await placeOf(name)
      const { fault } = await readBody(req)
      if (typeof fault !== 'string' || !fault) throw new HttpError(400, 'name the fault as {"fault": "..."} (GET .../faults lists them)')
      const applied = await applyFault(name, fault, place.docker)
      await onTimeline(name, { action: 'break', fault: applied.name, by })
      return json(res, 200, { applied: applied.name })
    }
    if (action === 'role' && method === 'POST') {
      const place = await placeOf(name)
      const { who: person, readonly } = await readBody(req)
      if (typeof person !== 'string' || !person || typeof readonly !== 'boolean')
        throw new HttpError(400, 'give {"who": "<participant>", "readonly": true|false}')
      const switched = await setReadOnly(name, person, readonly, place.docker)
      await onTimeline(name, { action: 'role', who: person, readonly, by })
      return json(res, 200, { switched: switched.map(({ who, role, readonly }) => ({ who, role, readonly })) })
    }
    if (action === 'panel' && method === 'POST') {
      const dir = await recordingOf(name)
      const { add } = await readBody(req)
      if (typeof add !== 'string' || !readInterviewers(stateDir).some((i) => i.name === add))
        throw new HttpError(400, 'name an interviewer to add as {"add": "<name>"} (interviewers.mjs list)')
      const panel = interviewersOf(dir)
      // An interview started from the command line has no panel yet: whoever adds first starts it.
      if (panel.size && !panel.has(by)) throw new HttpError(403, `only ${name}'s panel (${[...panel].join(', ')}) may add to it`)
      if (!panel.has(add)) await onTimeline(name, { action: 'panel', add, by })
      return json(res, 200, { panel: [...interviewersOf(dir)] })
    }
    if (action === 'scorecard') {
      const dir = await recordingOf(name)
      if (method === 'GET') return json(res, 200, scorecardOf(dir))
      if (method === 'POST') {
        const card = scoreCriterion(dir, by, await readBody(req))
        await onTimeline(name, { action: 'score', by })
        return json(res, 200, card)
      }
    }
    if (action === 'events' && method === 'GET') {
      const container = await interviewOr404(name)
      const dir = (await container.inspect()).Config.Labels[LABEL.recording]
      if (!dir || !existsSync(dir)) throw new HttpError(409, `${name} is not recorded: it has no timeline`)
      return streamTimeline(req, res, dir)
    }
    throw new HttpError(405, `${method} is not an action on ${path}`)
  }

  const api = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    try {
      await routes(req, res, path)
    } catch (error) {
      if (error instanceof HttpError) return json(res, error.status, { error: error.message })
      if (error instanceof UserError) return json(res, 400, { error: error.message, hint: error.hint })
      throw error
    }
  }

  /** A signed-in browser's terminal on a running interview: read-only unless typing; on the timeline by name. */
  const terminal = async (req: IncomingMessage, interview: string, typing: boolean) => {
    const session = sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE))
    if (!session || !accountStands(session.name, session.tokenHash, stateDir)) return undefined
    const container = await placeOf(interview).then(
      (place) => place.container,
      () => undefined,
    )
    if (!container) return undefined
    const labels = (await container.inspect()).Config.Labels
    return {
      interview,
      role: webRoleOf(typing),
      container,
      recording: labels[LABEL.recording],
      who: `${session.name} (cockpit)`,
    }
  }

  return { api, terminal }
}
