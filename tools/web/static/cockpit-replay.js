// A past interview in the cockpit: the terminal replayed with asciinema-player, the timeline's
// markers to jump to, one track per participant of what they typed (idle stretches skipped), the
// notes and the summary, and downloads of the cast and the summary.
import { html, useEffect, useMemo, useRef, useState } from '/assets/preact-htm.js'
import { call, clock } from './cockpit-api.js'
import { Scorecard } from './cockpit-scorecard.js'
import { markersOf, readable, skipIdle, typingTracks } from './cockpit-tracks.js'
import { DesktopPlayer, desktopRecords } from './desktop-replay.js'

function Tracks({ tracks, seek }) {
  if (!tracks.length) return html`<p class="muted">Nobody typed.</p>`
  const { at, length } = skipIdle(tracks)
  const percent = (t) => `${(100 * at(t)) / length}%`
  return html`<div class="tracks">${tracks.map((track) => html`<div class="track" data-who=${track.who}>
    <span class="who">${track.who}</span>
    <div class="lane">${track.bursts.map((b) => html`<button class="burst" style=${`left:${percent(b.start)};min-width:${(100 * (b.end - b.start)) / length}%`}
      title=${`${clock(b.start)} ${readable(b.text)}`} onClick=${() => seek(b.start)}>${readable(b.text)}</button>`)}</div>
  </div>`)}</div>`
}

/** A desktop task's screen, replayed with noVNC on the timeline's clock; `seekTo` (seconds) follows the markers. */
function DesktopReplay({ path, seekTo }) {
  const box = useRef(null)
  const player = useRef(null)
  const [state, setState] = useState({ ms: 0, duration: 0, playing: false, error: '' })
  const update = () => {
    const p = player.current
    if (p) setState({ ms: p.position, duration: p.duration, playing: p.playing, error: '' })
  }
  useEffect(() => {
    let gone = false
    fetch(`${path}/desktop`, { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(`the desktop recording: ${response.status}`))))
      .then((buffer) => {
        if (gone || !box.current) return
        player.current = new DesktopPlayer(box.current, desktopRecords(buffer))
        window.__desktopPlayer = player.current
        update()
      })
      .catch((error) => setState((s) => ({ ...s, error: error.message })))
    return () => { gone = true; player.current?.pause() }
  }, [path])
  useEffect(() => { if (seekTo !== undefined && player.current) { player.current.seek(seekTo * 1000); update() } }, [seekTo])
  const toggle = () => {
    const p = player.current
    if (!p) return
    if (p.playing) p.pause()
    else p.play(update)
    update()
  }
  return html`<div class="desktop-replay">
    <div class="toolbar">
      <button onClick=${toggle}>${state.playing ? 'pause' : 'play'}</button>
      <input type="range" min="0" max=${state.duration} value=${state.ms} aria-label="desktop time"
        onInput=${(e) => { player.current?.seek(Number(e.target.value)); update() }} />
      <span class="muted" data-desktop-ms=${Math.round(state.ms)}>at ${clock(state.ms / 1000)} of ${clock(state.duration / 1000)}</span>
      ${state.error ? html`<span class="error">${state.error}</span>` : ''}
    </div>
    <div class="desktop-screen" ref=${box}></div>
  </div>`
}

export function Replay({ name, me }) {
  const box = useRef(null)
  const player = useRef(null)
  const [recording, setRecording] = useState(undefined)
  const [error, setError] = useState('')
  const [now, setNow] = useState(0)
  const path = `/api/recordings/${encodeURIComponent(name)}`
  useEffect(() => { call('GET', path).then(setRecording, (e) => setError(e.message)) }, [name])
  const markers = recording ? markersOf(recording.events) : []
  useEffect(() => {
    if (!recording || !box.current) return
    const created = AsciinemaPlayer.create(`${path}/cast`, box.current, { markers, fit: 'width', idleTimeLimit: 2, terminalFontFamily: 'DejaVu Sans Mono, monospace' })
    player.current = created
    window.__cockpitPlayer = created
    const tick = setInterval(() => setNow(created.getCurrentTime() ?? 0), 500)
    return () => { clearInterval(tick); created.dispose() }
  }, [recording])
  const [desktopAt, setDesktopAt] = useState(undefined)
  const seek = async (target) => {
    await player.current?.seek(target)
    const t = player.current?.getCurrentTime() ?? 0
    setNow(t)
    setDesktopAt(typeof target === 'number' ? target : markers[target.marker]?.[0] ?? t)
  }
  // One download link for the summary, released when the recording changes or the view goes.
  const summaryUrl = useMemo(() => recording && URL.createObjectURL(new Blob([recording.summary], { type: 'text/markdown' })), [recording])
  useEffect(() => () => summaryUrl && URL.revokeObjectURL(summaryUrl), [summaryUrl])
  if (!recording) return html`<p class="error">${error || 'loading…'}</p>`
  return html`<div class="replay">
    <div class="toolbar"><b>${name}</b>
      <a href=${`${path}/cast`} download=${`${name}.cast`}>download the cast</a>
      <a href=${summaryUrl} download=${`${name}-summary.md`}>download the summary</a>
      <span class="muted" data-now=${now.toFixed(1)}>at ${clock(now)}</span>
    </div>
    <div class="player" ref=${box}></div>
    ${recording.desktopBytes > 0 ? html`<h3>Desktop</h3><${DesktopReplay} path=${path} seekTo=${desktopAt} />` : ''}
    <h3>Timeline</h3>
    <ol class="markers">${markers.map(([t, label], index) => html`<li><button class="link" data-marker=${index} onClick=${() => seek({ marker: index })}>${clock(t)} ${label}</button></li>`)}</ol>
    <h3>Who typed what</h3>
    <${Tracks} tracks=${typingTracks(recording.events)} seek=${seek} />
    ${recording.notes.length ? html`<h3>Notes</h3>${recording.notes.map((n) => html`<div class="other-note"><b>${n.by}</b><pre>${n.text}</pre></div>`)}` : ''}
    <${Scorecard} path=${`${path}/scorecard`} me=${me} />
    <details><summary>Summary</summary><pre class="summary">${recording.summary}</pre></details>
  </div>`
}
