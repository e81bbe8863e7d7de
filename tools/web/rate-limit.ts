// Failed attempts per client address in a sliding window; past the limit, every attempt waits it out.
export class FailureLimiter {
  private failures = new Map<string, number[]>()
  constructor(private readonly limit = 10, private readonly windowMs = 60_000, private readonly now = () => Date.now()) {}

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs
    const times = (this.failures.get(address) ?? []).filter((t) => t > since)
    if (times.length) this.failures.set(address, times)
    else this.failures.delete(address)
    return times
  }

  blocked(address: string): boolean {
    return this.recent(address).length >= this.limit
  }

  fail(address: string): void {
    this.failures.set(address, [...this.recent(address), this.now()])
  }
}
