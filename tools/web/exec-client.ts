// Ending the tmux client a browser's WebSocket runs in the interview. Docker ends no exec when its
// connection closes, so each client carries a random id in its environment, and when the browser
// goes a second exec signals the one process that carries that id and was started by Docker (its
// parent, PID 0 in the container, is outside): the client, never a tmux server it forked, and never
// another process that happens to reuse its PID.
import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'

export const CLIENT_ID_ENV = 'INTERVIEW_WEB_CLIENT'

export const newClientId = () => randomBytes(12).toString('hex')

/** Starts `cmd` in the container as `user` on a terminal of its own; resolves with the exec and its stream. */
export async function startTerminalExec(
  container: Docker.Container,
  cmd: string[],
  env: string[],
): Promise<{ exec: Docker.Exec; stream: Duplex }> {
  const exec = await container.exec({
    Cmd: cmd,
    User: 'user',
    Env: env,
    Tty: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  })
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex
  return { exec, stream }
}

/** Where ended ids are marked, so that a client whose process starts after its end never runs. */
const ENDED_DIR = '/tmp/interview-web-ended'

/** A shell script that runs `command` (with exec) unless its client was already ended. */
export const unlessEnded = (command: string) => `[ -e "${ENDED_DIR}/$${CLIENT_ID_ENV}" ] && exit 0; ${command}`

// The ids are marked ended first: a client whose process is not there yet sees the mark when it
// starts. Then every process carrying one of them is signalled until gone: a tmux client still
// starting up can miss a SIGHUP (it exits only once the server answers), so the signal is
// repeated, and after two seconds becomes SIGKILL.
const END_SCRIPT = `
  mkdir -p ${ENDED_DIR} && for id in "$@"; do : > "${ENDED_DIR}/$id"; done
  find ${ENDED_DIR} -type f -mmin +60 -delete 2>/dev/null
  clients() {
    patterns=$(for id in "$@"; do printf -- '-e ${CLIENT_ID_ENV}=%s ' "$id"; done)
    for environ in $(grep -lzxF $patterns /proc/[0-9]*/environ 2>/dev/null); do
      pid=\${environ#/proc/}; pid=\${pid%/environ}
      grep -q '^PPid:[[:space:]]*0$' "/proc/$pid/status" 2>/dev/null && echo "$pid"
    done
  }
  tries=0
  while [ "$tries" -lt 30 ]; do
    pids=$(clients "$@")
    [ -n "$pids" ] || break
    if [ "$tries" -lt 20 ]; then kill -HUP $pids; else kill -KILL $pids; fi
    tries=$((tries + 1))
    sleep 0.1
  done 2>/dev/null`

/** Ends the clients carrying `ids` in the container; resolves once they are gone (at most about 3 s). */
async function endClients(container: Docker.Container, user: string, ids: string[]): Promise<void> {
  const exec = await container.exec({
    Cmd: ['sh', '-c', END_SCRIPT, 'end-web-clients', ...ids],
    User: user,
    AttachStdout: true,
    AttachStderr: true,
  })
  const stream = (await exec.start({})) as unknown as Duplex
  await new Promise<void>((resolve) => {
    stream
      .on('end', resolve)
      .on('close', resolve)
      .on('error', () => resolve())
    stream.resume()
  })
}

/**
 * How a terminal client is ended when its person goes: returns `end`, which ends the client in the
 * box by its id unless it already exited, then drops its stream; called again, it does nothing more.
 * (Made before any other listener on the stream's end, so that an exit is known when they run.)
 */
export function clientEnder(container: Docker.Container, stream: Duplex, id: string, reaper: ClientReaper): () => Promise<void> {
  let exited = false
  let ending: Promise<void> | undefined
  stream.once('end', () => (exited = true))
  return () => (ending ??= (exited ? Promise.resolve() : reaper.end(container, id)).finally(() => stream.destroy()))
}

/**
 * Ends clients one exec per container at a time: the ids of sockets that close while an exec runs
 * go together into the next one, so a flood of closing sockets is not a flood of execs (each exec
 * holds a kernel key of the engine's shared quota while it runs).
 */
export class ClientReaper {
  private queues = new Map<string, { ids: string[]; done: (() => void)[] }>()

  constructor(private readonly user = 'user') {}

  /** Resolves once the client is gone, or ending it failed (the container is gone, say). */
  end(container: Docker.Container, id: string): Promise<void> {
    return new Promise((resolve) => {
      const queued = this.queues.get(container.id)
      if (queued) {
        queued.ids.push(id)
        queued.done.push(resolve)
        return
      }
      const queue = { ids: [id], done: [resolve] }
      this.queues.set(container.id, queue)
      void this.drain(container, queue)
    })
  }

  private async drain(container: Docker.Container, queue: { ids: string[]; done: (() => void)[] }): Promise<void> {
    try {
      while (queue.ids.length) {
        const ids = queue.ids.splice(0)
        const done = queue.done.splice(0)
        await endClients(container, this.user, ids)
          .catch(() => undefined)
          .finally(() => done.forEach((resolve) => resolve()))
      }
    } finally {
      this.queues.delete(container.id)
    }
  }
}
