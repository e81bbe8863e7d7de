// A time limit (run --ttl): warnings at 10 and 2 minutes before the end, then the end. The decision
// is pure (what is due at a moment, given the warnings already given); the recorder acts on it.
export const WARNINGS_S = [600, 120]

export type TimeLimitStep = { warning: string; secondsLeft: number } | { expired: true } | undefined

/** What is due `now` for a limit ending at `endsAt`; `warned` (the thresholds passed) is updated. */
export function timeLimitStep(endsAt: number, now: number, warned: Set<number>): TimeLimitStep {
  const left = Math.round((endsAt - now) / 1000)
  if (left <= 0) return { expired: true }
  // Warn once per threshold crossed; a short limit that starts past both warns once.
  const due = WARNINGS_S.filter((threshold) => left <= threshold)
  if (!due.length || warned.has(Math.min(...due))) return undefined
  for (const passed of due) warned.add(passed)
  const minutes = Math.ceil(left / 60)
  return { warning: `interview-env: ${minutes} minute${minutes > 1 ? 's' : ''} left, then this interview ends`, secondsLeft: left }
}

/** The warnings a timeline already holds, so a restarted recorder does not give them again. */
export function warnedFromTimeline(events: { type: string; secondsLeft?: unknown }[]): Set<number> {
  const warned = new Set<number>()
  for (const e of events)
    if (e.type === 'warning' && typeof e.secondsLeft === 'number') for (const t of WARNINGS_S) if (e.secondsLeft <= t) warned.add(t)
  return warned
}
