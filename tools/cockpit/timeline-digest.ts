// What the cockpit shows of a running interview's timeline (checks, hints, faults applied), kept up
// to date from where it last read: a poll reads only the lines added since, however long the
// timeline has grown.
import { readEventsFrom } from '../recording/events.ts'

export interface TimelineDigest {
  checks: { time: string; t: number; result: unknown; by: unknown; selfReported: boolean }[]
  hintsUsed: number
  faultsApplied: { time: string; fault: unknown }[]
}

/** The checks a digest keeps (the newest): the page shows a strip, not a history. */
export const KEPT_CHECKS = 200

export class TimelineDigests {
  private digests = new Map<string, { offset: number; digest: TimelineDigest }>()

  /** The digest of the timeline in `dir`, read on from where the last call stopped. */
  of(dir: string): TimelineDigest {
    const known = this.digests.get(dir) ?? { offset: 0, digest: { checks: [], hintsUsed: 0, faultsApplied: [] } }
    const { events, offset } = readEventsFrom(dir, known.offset)
    const { digest } = known
    for (const e of events) {
      if (e.type === 'check')
        digest.checks.push({ time: e.time, t: e.t, result: e.result, by: e.by, selfReported: e.selfReported === true })
      else if (e.type === 'hint') digest.hintsUsed++
      else if (e.type === 'fault') digest.faultsApplied.push({ time: e.time, fault: e.fault })
    }
    if (digest.checks.length > KEPT_CHECKS) digest.checks.splice(0, digest.checks.length - KEPT_CHECKS)
    this.digests.set(dir, { offset, digest })
    return digest
  }

  /** Forgets the interviews no longer running. */
  keepOnly(dirs: Set<string>): void {
    for (const dir of this.digests.keys()) if (!dirs.has(dir)) this.digests.delete(dir)
  }
}
