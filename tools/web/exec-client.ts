// The tmux client a browser's WebSocket runs in the interview. Docker ends no exec when its
// connection closes, so each client prints its PID (in the container) as its first line, carries
// a random id in its environment, and is sent SIGHUP through a second exec when the browser goes.
// The kill checks the id first: a PID reused by another process is never signalled.
import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'

export const CLIENT_ID_ENV = 'INTERVIEW_WEB_CLIENT'

export const newClientId = () => randomBytes(12).toString('hex')

/** A shell script run so that it first prints its PID; `script` must end by exec'ing the client. */
export const reportingPid = (script: string): string[] => ['sh', '-c', `echo "$$"; ${script}`]

/**
 * Reads the PID line off the start of an exec's output; calls `forward` with everything after it.
 * Resolves undefined if the stream ends first, or nothing arrives within `timeoutMs`.
 */
export function readPid(stream: Duplex, forward: (chunk: Buffer) => void, timeoutMs = 10_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    let head = Buffer.alloc(0)
    let pid: number | undefined
    const timer = setTimeout(() => resolve(undefined), timeoutMs)
    const ended = () => {
      clearTimeout(timer)
      resolve(pid)
    }
    stream.on('data', (chunk: Buffer) => {
      if (pid !== undefined) return forward(chunk)
      head = Buffer.concat([head, chunk])
      const newline = head.indexOf(10)
      if (newline < 0) {
        if (head.length > 64) ended()
        return
      }
      const parsed = Number(head.subarray(0, newline).toString().trim())
      pid = Number.isInteger(parsed) && parsed > 1 ? parsed : 0
      clearTimeout(timer)
      resolve(pid || undefined)
      if (head.length > newline + 1) forward(head.subarray(newline + 1))
    })
    stream.once('end', ended)
    stream.once('close', ended)
    stream.once('error', ended)
  })
}

const KILL_SCRIPT = `tr '\\0' '\\n' < "/proc/$1/environ" 2>/dev/null | grep -qx "${CLIENT_ID_ENV}=$2" && kill -HUP "$1"`

/** Sends SIGHUP to the client `pid` in the container, if it still carries `id`; waits for the kill to run. */
export async function endClient(container: Docker.Container, user: string, pid: number, id: string): Promise<void> {
  const exec = await container.exec({ Cmd: ['sh', '-c', KILL_SCRIPT, 'end-web-client', String(pid), id], User: user, AttachStdout: true, AttachStderr: true })
  const stream = (await exec.start({})) as unknown as Duplex
  await new Promise<void>((resolve) => {
    stream.on('end', resolve).on('close', resolve).on('error', () => resolve())
    stream.resume()
  })
}
