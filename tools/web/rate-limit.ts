// Failed link attempts, counted per client address and per token prefix in a sliding window.
// Past the limit on either, attempts wait the window out (429), except with a token that has
// already opened an interview: a page reconnecting, or an honest user behind the same address as
// a brute-forcer, keeps working. A blocked attempt never reaches a lookup.
import { hashToken } from './tokens.ts'

/** How many characters of a presented token count as its prefix. */
export const PREFIX_LENGTH = 8

export class FailureLimiter {
  private failures = new Map<string, number[]>()
  /** Hashes of tokens that opened an interview, with when they last did. */
  private good = new Map<string, number>()

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 60_000,
    private readonly now = () => Date.now(),
    private readonly goodForMs = 12 * 3600_000,
    private readonly maxKeys = 10_000,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs
    const times = (this.failures.get(key) ?? []).filter((t) => t > since)
    if (times.length) this.failures.set(key, times)
    else this.failures.delete(key)
    return times
  }

  private keys(address: string, token: string | undefined): string[] {
    return token === undefined ? [`address ${address}`] : [`address ${address}`, `prefix ${token.slice(0, PREFIX_LENGTH)}`]
  }

  private provenGood(token: string | undefined): boolean {
    if (token === undefined) return false
    const hash = hashToken(token)
    const since = this.good.get(hash)
    if (since === undefined) return false
    if (this.now() - since < this.goodForMs) return true
    this.good.delete(hash)
    return false
  }

  /** Whether an attempt from `address` (with `token`, if it carries one) must wait. */
  blocked(address: string, token?: string): boolean {
    if (this.provenGood(token)) return false
    return this.keys(address, token).some((key) => this.recent(key).length >= this.limit)
  }

  fail(address: string, token?: string): void {
    if (token !== undefined) this.good.delete(hashToken(token))
    for (const key of this.keys(address, token)) {
      if (!this.failures.has(key) && this.failures.size >= this.maxKeys) this.forgetOldest(this.failures)
      this.failures.set(key, [...this.recent(key), this.now()].slice(-this.limit))
    }
  }

  /** A token that opened an interview: it passes even a blocked address or prefix from now on. */
  succeed(token: string): void {
    const hash = hashToken(token)
    this.good.delete(hash)
    if (this.good.size >= this.maxKeys) this.forgetOldest(this.good)
    this.good.set(hash, this.now())
  }

  private forgetOldest(map: Map<string, unknown>): void {
    const first = map.keys().next()
    if (!first.done) map.delete(first.value)
  }
}
