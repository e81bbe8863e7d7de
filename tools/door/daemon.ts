// `run` needs the front door (unless --no-door): use the one answering on the port, or start one in the background.
import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { scriptCommand } from '../core/runtime.ts'
import { sleep } from '../core/sleep.ts'
import { loopbackFor } from '../engine/ports.ts'
import { doorDir, doorHostKey } from './host-key.ts'
import ssh2 from 'ssh2'
import { fingerprintOf } from '../core/ssh-keys.ts'

/** Whether an interview-env door answers on host:port (its SSH banner). */
export function doorAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (answer: boolean) => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-2.0-interview-env')))
  })
}

/** The fingerprint of the host key the SSH server on host:port shows; undefined when none answers. */
export function hostKeyAt(host: string, port: number, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const client = new ssh2.Client()
    let seen: string | undefined
    const done = () => {
      client.end()
      resolve(seen)
    }
    client.on('error', done)
    client.on('close', done)
    client.connect({
      host,
      port,
      username: 'host-key-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        seen = fingerprintOf(key.toString('base64'))
        return false
      },
    })
  })
}

/**
 * Whether a door of this folder answers on bind:port (false: nothing does). A door of another
 * folder (another host key, other key changes) is an error: a card naming this folder's host key
 * would lie about it.
 */
export async function doorOfThisFolder(bind: string, port: number): Promise<boolean> {
  const probe = loopbackFor(bind)
  if (!(await doorAnswers(probe, port))) return false
  const { fingerprint } = doorHostKey()
  const shown = await hostKeyAt(probe, port)
  if (shown !== fingerprint)
    throw new UserError(
      `the front door on ${bind}:${port} shows host key ${shown ?? '(none)'}, not this folder's ${fingerprint} (${doorDir()})`,
      'stop that door, or choose another --door-port',
    )
  return true
}

/** The door's host key fingerprint, started as a detached `scripts/door.mjs` if none answers yet. */
export async function ensureDoor(bind: string, port: number, log: (line: string) => void): Promise<{ fingerprint: string; pid?: number }> {
  const probe = loopbackFor(bind)
  // Made here first, so that the door and the card agree whichever starts first.
  const { fingerprint } = doorHostKey()
  if (await doorOfThisFolder(bind, port)) return { fingerprint }
  const logFile = join(doorDir(), 'door.log')
  const out = openSync(logFile, 'a')
  const [command, args] = scriptCommand('door.mjs', ['--bind', bind, '--port', String(port)])
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], cwd: REPO_ROOT })
  child.unref()
  for (let i = 0; i < 100; i++) {
    if (await doorAnswers(probe, port)) {
      log(`front door started on ${bind}:${port} (pid ${child.pid}, log ${logFile})`)
      return { fingerprint, pid: child.pid }
    }
    await sleep(100)
  }
  throw new UserError(
    `the front door did not start on ${bind}:${port}`,
    `see ${logFile}; is the port taken? choose another with --door-port`,
  )
}
