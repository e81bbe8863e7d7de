// Applies the latest of a stream of values at most once per interval, dropping those in between:
// a box that floods its feed with state reports gets one applied a second.
export class LatestOnly<T> {
  private latest: T | undefined
  private waiting: NodeJS.Timeout | undefined
  private lastApplied = 0

  constructor(
    private readonly apply: (value: T) => Promise<void>,
    private readonly everyMs: number,
  ) {}

  push(value: T): void {
    this.latest = value
    if (this.waiting) return
    this.waiting = setTimeout(() => void this.applyLatest(), Math.max(0, this.lastApplied + this.everyMs - Date.now()))
  }

  /** Applies what is waiting now (at the end), and stops the timer. */
  async flush(): Promise<void> {
    if (this.waiting) clearTimeout(this.waiting)
    await this.applyLatest()
  }

  private async applyLatest(): Promise<void> {
    this.waiting = undefined
    const value = this.latest
    this.latest = undefined
    if (value === undefined) return
    this.lastApplied = Date.now()
    await this.apply(value).catch(() => undefined)
  }
}
