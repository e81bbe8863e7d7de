// `run --web` needs a gateway: use the one answering on the port, or start one in the background.
import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { scriptCommand } from '../core/runtime.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { loopbackFor } from '../engine/ports.ts'

/** The gateway's base URL on bind:port. */
export const gatewayUrl = (bind: string, port: number) => `http://${bind.includes(':') ? `[${bind}]` : bind}:${port}`

/** Whether a gateway (or the server) answers at `url`. */
export async function gatewayAnswers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

/**
 * The gateway's URL, started as a detached `scripts/web.mjs` if nothing answers there yet;
 * `pid` is set when this call started it.
 */
export async function ensureGateway(bind: string, port: number, log: (line: string) => void): Promise<{ url: string; pid?: number }> {
  const url = gatewayUrl(bind, port)
  // Asked on loopback when bound to every address: the gateway answers only the names it serves.
  const probe = gatewayUrl(loopbackFor(bind), port)
  if (await gatewayAnswers(probe)) return { url }
  const logFile = join(tmpdir(), `interview-env-web-${port}.log`)
  const out = openSync(logFile, 'a')
  const [command, args] = scriptCommand('web.mjs', ['--bind', bind, '--port', String(port)])
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', out, out],
    cwd: REPO_ROOT,
  })
  child.unref()
  for (let i = 0; i < 100; i++) {
    if (await gatewayAnswers(probe)) {
      log(`web gateway started on ${url} (pid ${child.pid}, log ${logFile})`)
      return { url, pid: child.pid }
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new UserError(`the web gateway did not start on ${url}`, `see ${logFile}; is the port taken? choose another with --web-port`)
}
