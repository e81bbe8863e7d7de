// The replay's timeline, from the recording's events: the markers to jump to (joins, checks, hints,
// faults, interviewers' actions...), and one track per participant of what they typed, as bursts on
// the shared clock with idle stretches skipped. Pure functions: tools/test/cockpit-tracks.test.ts.

/** @typedef {{ t: number, type: string, [field: string]: unknown }} TimelineEvent */
/** @typedef {{ start: number, end: number, text: string }} Burst */
/** @typedef {{ who: string, bursts: Burst[] }} Track */

/** Typed text as it reads: Enter as ⏎, other control characters as ^X. @param {string} text */
export function readable(text) {
  return text.replace(/\r\n?|\n/g, '⏎').replace(/[\x00-\x1f\x7f]/g, (/** @type {string} */ c) => (c === '\x7f' ? '⌫' : '^' + String.fromCharCode(c.charCodeAt(0) + 64)))
}

/**
 * A marker's label for an event, or undefined for events that are not markers.
 * @param {TimelineEvent} event
 * @returns {string | undefined}
 */
export function markerLabel(event) {
  switch (event.type) {
    case 'join': return `${event.who ?? 'someone'} joined${event.readonly ? ' (watching)' : ''}`
    case 'leave': return `${event.who ?? 'someone'} left`
    case 'check': return `check${event.by ? ` by ${event.by}` : ''}: ${String(event.result ?? '').slice(0, 80)}`
    case 'hint': return `hint ${event.number ?? ''} read`.replace('  ', ' ')
    case 'fault': return `fault applied: ${event.fault}`
    case 'role': return `${event.who} now ${event.readonly ? 'watches' : 'types'}`
    case 'interviewer': return event.action === 'note' ? undefined : `${event.by}: ${event.action}${event.fault ? ` ${event.fault}` : ''}`
    case 'gap': return `not recorded: ${event.seconds ?? '?'} s`
    case 'expired': return 'time limit reached'
    case 'exec': return event.event === 'start' ? `${event.who} runs ${event.command}` : undefined
    case 'file': return `${event.who ?? 'someone'} ${event.direction === 'upload' ? 'uploaded' : 'downloaded'} ${event.name} (${event.bytes} bytes)`
    default: return undefined
  }
}

/**
 * The markers of a recording, in time order, as asciinema-player takes them: [seconds, label].
 * @param {TimelineEvent[]} events
 * @returns {[number, string][]}
 */
export function markersOf(events) {
  /** @type {[number, string][]} */
  const markers = []
  for (const event of events) {
    const label = markerLabel(event)
    if (label) markers.push([Math.max(0, Number(event.t) || 0), label])
  }
  return markers.sort((a, b) => a[0] - b[0])
}

/**
 * What each person typed: inputs less than `gap` seconds apart make one burst. Ignored input (a watcher's) is left out.
 * @param {TimelineEvent[]} events
 * @returns {Track[]}
 */
export function typingTracks(events, gap = 3) {
  /** @type {Map<string, Burst[]>} */
  const tracks = new Map()
  for (const event of events) {
    if (event.type !== 'input' || typeof event.data !== 'string' || event.ignored) continue
    const who = typeof event.who === 'string' ? event.who : 'unknown'
    const bursts = tracks.get(who) ?? []
    const last = bursts[bursts.length - 1]
    if (last && event.t - last.end <= gap) {
      last.text += event.data
      last.end = event.t
    } else bursts.push({ start: event.t, end: event.t, text: event.data })
    tracks.set(who, bursts)
  }
  return [...tracks].map(([who, bursts]) => ({ who, bursts }))
}

/**
 * The shared clock with idle stretches skipped: a function from a time on the cast to a position,
 * where a stretch of more than `idle` seconds with nobody typing takes `idle` seconds only.
 * Returns the function and the whole length.
 * @param {Track[]} tracks
 * @returns {{ at: (t: number) => number, length: number }}
 */
export function skipIdle(tracks, idle = 10) {
  const spans = tracks.flatMap((track) => track.bursts).sort((a, b) => a.start - b.start)
  /** @type {[number, number][]} */
  const merged = []
  for (const { start, end } of spans) {
    const last = merged[merged.length - 1]
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  // Each span keeps its length; the time before it shrinks to at most `idle`.
  /** @type {{ start: number, end: number, at: number }[]} */
  const placed = []
  let position = 0
  let previousEnd = 0
  for (const [start, end] of merged) {
    position += Math.min(start - previousEnd, idle)
    placed.push({ start, end, at: position })
    position += end - start
    previousEnd = end
  }
  const at = (/** @type {number} */ t) => {
    let before = 0
    let position = 0
    for (const span of placed) {
      if (t < span.start) return position + Math.min(t - before, idle)
      if (t <= span.end) return span.at + (t - span.start)
      before = span.end
      position = span.at + (span.end - span.start)
    }
    return position + Math.min(Math.max(0, t - before), idle)
  }
  return { at, length: position + 1 }
}
