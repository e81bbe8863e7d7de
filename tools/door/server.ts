// The front door: one SSH server on the host for every interview (run's default; not --no-door)
// (ssh2's server mode), routed by user name (`ssh -p PORT <interview>@host`). It decides who comes
// in and in which role from the interview's labels (access.ts), then gives each session a
// `docker exec` in the box: the shared terminal (shell.ts) or a traced command (command.ts). The
// box's own sshd is not published for such an interview, so this is the only way in.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type Docker from 'dockerode'
import ssh2 from 'ssh2'
import type { AuthContext, CipherAlgorithm, Connection, ServerChannel } from 'ssh2'
import { checkInterviewName, containerName, LABEL } from '../engine/names.ts'
import { ClientReaper } from '../web/exec-client.ts'
import { accessOf, passwordMatches, type DoorAccess, type DoorKey } from './access.ts'
import { runRequest, type Request } from './command.ts'
import { currentKeys } from './key-changes.ts'
import type { Participant } from './participant.ts'
import { attachShell, type Pty, type Terminal } from './shell.ts'
import type { ControlReply, RoleRequest, SwitchedSession } from './control.ts'

/** The box of an interview that is not on the door's engine (one on a Swarm node), or undefined. */
export type BoxFinder = (interview: string) => Promise<Docker.Container | undefined>

export interface DoorOptions {
  docker: Docker
  host: string
  port: number
  hostKey: string
  /** Where interviews not on `docker` are looked for (the Swarm's: interviews/swarm-links.ts). */
  boxesElsewhere?: BoxFinder
  log?: (line: string) => void
}

export interface Door {
  port: number
  /** Switches the terminals of the named people in an interview (role.mjs, through the control socket). */
  switchRoles(request: RoleRequest): Promise<ControlReply>
  close(): Promise<void>
}

interface LiveTerminal {
  who: string
  role: string
  session: string
  terminal: Terminal
}

/** Failed authentications a connection may make before it is closed (sshd's MaxAuthTries). */
const MAX_AUTH_TRIES = 6
/** How long a connection may take to authenticate (sshd's LoginGraceTime). */
const LOGIN_GRACE_MS = 30_000
/**
 * Sessions open at once: each is a `docker exec`, which holds a kernel key of the engine's shared
 * quota while it runs, so neither one connection nor one interview may open them without end.
 */
/**
 * The ciphers offered: ssh2 runs chacha20-poly1305 in JavaScript unless its optional native part
 * was built, and OpenSSH clients pick it first when offered; AES runs in Node's own crypto.
 */
const CIPHERS: CipherAlgorithm[] = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr']

export const SESSION_LIMITS = { perConnection: 10, perInterview: 64 }

interface Opened {
  interview: string
  container: Docker.Container
  access: DoorAccess
  /** The keys that open it now (`keys add/remove` may have changed them since it started). */
  keys: DoorKey[]
  recording?: string
}

/**
 * The running door interview named `user`, on the door's engine or else where `elsewhere` finds it;
 * undefined for any other name, a stopped interview, or one without a door.
 */
async function openInterview(docker: Docker, user: string, elsewhere?: BoxFinder): Promise<Opened | undefined> {
  try {
    checkInterviewName(user)
  } catch {
    return undefined
  }
  const here = await openBox(docker.getContainer(containerName(user)), user)
  if (here || !elsewhere) return here
  const there = await elsewhere(user).catch(() => undefined)
  return there && openBox(there, user)
}

async function openBox(container: Docker.Container, user: string): Promise<Opened | undefined> {
  try {
    const info = await container.inspect()
    const labels = info.Config.Labels ?? {}
    const access = accessOf(labels)
    if (!info.State.Running || labels[LABEL.managed] !== 'true' || labels[LABEL.interview] !== user || !access) return undefined
    return { interview: user, container, access, keys: currentKeys(access, user, info.Id), recording: labels[LABEL.recording] }
  } catch {
    return undefined
  }
}

/** The key entry `ctx` proves (or, without a signature, offers); undefined if none. */
function matchingKey(keys: DoorKey[], ctx: Extract<AuthContext, { method: 'publickey' }>): DoorKey | undefined {
  for (const entry of keys) {
    const key = ssh2.utils.parseKey(entry.line)
    if (!key || key instanceof Error || ctx.key.algo !== key.type) continue
    if (!key.getPublicSSH().equals(ctx.key.data)) continue
    if (ctx.signature && ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return undefined
    return entry
  }
  return undefined
}

export function startDoor(options: DoorOptions): Promise<Door> {
  const { docker } = options
  const log = options.log ?? (() => {})
  const reaper = new ClientReaper()
  const connections = new Set<Connection>()
  const sessionsOf = new Map<string, number>()
  /** The terminals open through the door, by interview. */
  const terminals = new Map<string, Set<LiveTerminal>>()
  const server = new ssh2.Server(
    { hostKeys: [options.hostKey], ident: 'interview-env', algorithms: { cipher: CIPHERS } },
    (client, info) => {
      connections.add(client)
      // Keystrokes and their echo go at once, as OpenSSH sends an interactive session's (no Nagle
      // delay, which with the client's delayed acknowledgements costs 40 ms an echo).
      // (ssh2's server connection has setNoDelay, which its types leave out.)
      ;(client as Connection & { setNoDelay(noDelay: boolean): void }).setNoDelay(true)
      const grace = setTimeout(() => client.end(), LOGIN_GRACE_MS)
      let participant: Participant | undefined
      let openSessions = 0
      const releases = new Set<() => void>()
      let opened: Promise<Opened | undefined> | undefined
      let failures = 0
      client.on('authentication', async (ctx) => {
        opened ??= openInterview(docker, ctx.username, options.boxesElsewhere)
        const interview = await opened
        const reject = () => {
          if (ctx.method !== 'none' && !(ctx.method === 'publickey' && !ctx.signature) && ++failures >= MAX_AUTH_TRIES) return client.end()
          ctx.reject(['publickey', 'password'])
        }
        // Another user name on the same connection is another interview: not allowed.
        if (!interview || ctx.username !== interview.interview) return reject()
        const admit = (role: Participant['role'], who: string) => {
          participant = {
            interview: interview.interview,
            container: interview.container,
            role,
            who,
            recording: interview.recording,
            mayExec: role === 'interviewer' || (role === 'candidate' && interview.access.exec),
          }
          ctx.accept()
        }
        if (ctx.method === 'password') {
          return passwordMatches(interview.access.password, ctx.password) ? admit('candidate', 'password login') : reject()
        }
        if (ctx.method === 'publickey') {
          const key = matchingKey(interview.keys, ctx)
          if (!key) return reject()
          if (!ctx.signature) return ctx.accept()
          return admit(key.role, key.who)
        }
        reject()
      })
      client.on('ready', () => {
        clearTimeout(grace)
        const who = participant!
        log(`${who.interview}: ${who.who} (${who.role}) came in from ${info.ip}`)
        client.on('session', (accept, reject) => {
          const inInterview = sessionsOf.get(who.interview) ?? 0
          if (openSessions >= SESSION_LIMITS.perConnection || inInterview >= SESSION_LIMITS.perInterview) {
            log(`${who.interview}: ${who.who} (${who.role}) was refused a session: too many open`)
            return reject()
          }
          openSessions++
          sessionsOf.set(who.interview, inInterview + 1)
          let released = false
          // Whichever ends first: the session, its channel, or the whole connection.
          const release = () => {
            if (released) return
            released = true
            releases.delete(release)
            openSessions--
            const left = (sessionsOf.get(who.interview) ?? 1) - 1
            if (left > 0) sessionsOf.set(who.interview, left)
            else sessionsOf.delete(who.interview)
          }
          releases.add(release)
          const session = accept()
          session.once('close', release)
          const id = `door-${randomBytes(6).toString('hex')}`
          let pty: Pty | undefined
          let terminal: Terminal | undefined
          let started = false
          const begin = (accept: (() => ServerChannel) | undefined, run: (channel: ServerChannel) => Promise<unknown>) => {
            if (started || !accept) return
            started = true
            const channel = accept()
            channel.once('close', release)
            void run(channel).catch((error: unknown) => log(`${who.interview}: ${(error as Error)?.message ?? error}`))
          }
          session.on('pty', (accept, _reject, info) => {
            pty = { cols: info.cols, rows: info.rows, term: info.term }
            accept?.()
          })
          session.on('window-change', (accept, _reject, info) => {
            if (pty) pty = { ...pty, cols: info.cols, rows: info.rows }
            if (pty && terminal) terminal.resize(pty)
            accept?.()
          })
          session.on('shell', (accept) =>
            begin(accept, async (channel) => {
              if (!pty) return runRequest(who, channel, { command: '' }, id)
              terminal = await attachShell(who, channel, pty, id, reaper)
              const live: LiveTerminal = { who: who.who, role: who.role, session: id, terminal }
              const open = terminals.get(who.interview) ?? new Set()
              terminals.set(who.interview, open.add(live))
              channel.once('close', () => {
                open.delete(live)
                if (!open.size && terminals.get(who.interview) === open) terminals.delete(who.interview)
              })
            }),
          )
          session.on('exec', (accept, _reject, info) =>
            begin(accept, (channel) => runRequest(who, channel, { command: info.command } satisfies Request, id, pty)),
          )
          session.on('subsystem', (accept, reject, info) => {
            if (info.name !== 'sftp') return reject?.()
            begin(accept, (channel) => runRequest(who, channel, { sftp: true }, id))
          })
          // No environment, agent, X11 or signals from outside.
          session.on('env', (_accept, reject) => reject?.())
          session.on('auth-agent', (_accept, reject) => reject?.())
          session.on('x11', (_accept, reject) => reject?.())
        })
        // No forwarding of any kind.
        client.on('tcpip', (_accept, reject) => reject())
        client.on('openssh.streamlocal', (_accept, reject) => reject())
        client.on('request', (accept, reject) => reject?.())
      })
      client.on('error', () => client.end())
      client.on('close', () => {
        clearTimeout(grace)
        for (const release of [...releases]) release()
        connections.delete(client)
      })
    },
  )
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve({
        port: (server.address() as AddressInfo).port,
        async switchRoles(request) {
          if (request?.op !== 'role' || typeof request.interview !== 'string' || !Array.isArray(request.names))
            return { ok: false, error: 'not a role request' }
          const named = [...(terminals.get(request.interview) ?? [])].filter((live) => request.names.includes(live.who))
          const switched: SwitchedSession[] = []
          for (const live of named)
            if (await live.terminal.setReadonly(request.readonly === true))
              switched.push({ who: live.who, role: live.role, session: live.session })
          if (switched.length)
            log(`${request.interview}: ${switched.map((s) => s.who).join(', ')} made ${request.readonly ? 'read-only' : 'read-write'}`)
          return { ok: true, matched: [...new Set(named.map((live) => live.who))], switched }
        },
        close: () =>
          new Promise<void>((done) => {
            for (const client of connections) client.end()
            server.close(() => done())
          }),
      })
    })
  })
}
