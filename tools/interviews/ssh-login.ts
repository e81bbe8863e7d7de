// Proves that sshd really accepts a login. Docker's port proxy accepts TCP before sshd listens,
// so only a completed authentication says an interview is ready.
import type { Duplex } from 'node:stream'
import ssh2 from 'ssh2'
import { fingerprintOf } from '../core/ssh-keys.ts'
import { sleep } from '../core/sleep.ts'

export interface LoginTarget {
  host: string
  port: number
  username: string
  privateKey: string
  /** A connection to sshd made another way than TCP to host:port (box-tunnel.ts), one per try. */
  connection?: () => Duplex
}

/** Logs in once (authentication only, no session) and returns the server's host key fingerprint. */
export function tryLogin(target: LoginTarget, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client()
    let fingerprint = ''
    const timer = setTimeout(() => {
      client.end()
      reject(new Error('login timed out'))
    }, timeoutMs)
    client.on('ready', () => {
      clearTimeout(timer)
      client.end()
      resolve(fingerprint)
    })
    client.on('error', (error) => {
      clearTimeout(timer)
      client.end()
      reject(error)
    })
    client.connect({
      sock: target.connection?.(),
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        fingerprint = fingerprintOf(key.toString('base64'))
        return true
      },
    })
  })
}

/** Retries a login until it succeeds, `stillStarting` says to give up, or the deadline passes. */
export async function waitForLogin(
  target: LoginTarget,
  options: { timeoutMs?: number; stillStarting?: () => Promise<boolean> } = {},
): Promise<string> {
  // The task's start script runs before sshd does, and takes tens of seconds on a busy host (several
  // interviews starting at once): wait long. A box that stopped ends the wait at once (stillStarting).
  const deadline = Date.now() + (options.timeoutMs ?? 90_000)
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      // Each try may take long: a refused connection fails at once, but on a busy host a box's sshd can
      // take seconds to answer, and a try cut shorter than that would fail again every time.
      return await tryLogin(target, Math.min(15_000, Math.max(500, deadline - Date.now())))
    } catch (error) {
      lastError = error
    }
    if (options.stillStarting && !(await options.stillStarting())) break
    await sleep(50)
  }
  throw new Error(`no SSH login succeeded on ${target.host}:${target.port}: ${(lastError as Error)?.message ?? 'timed out'}`)
}
