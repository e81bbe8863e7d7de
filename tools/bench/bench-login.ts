// The benchmarks' candidate: a fresh key pair on disk, and a timed real OpenSSH login with it.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { $ } from 'zx'
import { newKeyPair } from '../core/ssh-keys.ts'

export interface BenchLogin {
  /** The public key file, for `run --key`. */
  publicKeyFile: string
  /** Logs in as `user` (or `as`: an interview's name at the front door) at host:port and runs `true`; returns how long it took (ms). */
  login: (host: string, port: number, as?: string) => Promise<number>
}

export function benchLogin(name: string): BenchLogin {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`))
  const pair = newKeyPair('bench')
  writeFileSync(join(dir, 'id'), pair.privateKey, { mode: 0o600 })
  writeFileSync(join(dir, 'id.pub'), pair.publicKey)
  const login = async (host: string, port: number, as = 'user') => {
    const start = performance.now()
    const result = await $({
      quiet: true,
      nothrow: true,
    })`ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o IdentitiesOnly=yes -i ${join(dir, 'id')} -p ${port} ${as}@${host} true`
    if (result.exitCode !== 0) throw new Error(`login at ${host}:${port} failed: ${result.stderr.trim()}`)
    return performance.now() - start
  }
  return { publicKeyFile: join(dir, 'id.pub'), login }
}
