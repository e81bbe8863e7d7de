// The cockpit's two lists: the running interviews (refreshed every few seconds) and past ones.
import { html, useEffect, useState } from '/assets/preact-htm.js'
import { ago, call, clock } from './cockpit-api.js'

/** Calls `load` now and every `ms`, keeping the last answer (or the error). */
export function usePolling(load, ms, deps = []) {
  const [state, setState] = useState({ data: undefined, error: '' })
  useEffect(() => {
    let live = true
    const tick = () => load().then(
      (data) => live && setState({ data, error: '' }),
      (error) => live && setState((old) => ({ ...old, error: error.message })),
    )
    tick()
    const timer = setInterval(tick, ms)
    return () => { live = false; clearInterval(timer) }
  }, deps)
  return state
}

/** The last check an interviewer ran: the candidate's own (`task check` in the box) are no verdict. */
export const lastVerdict = (checks) => (checks ?? []).filter((c) => !c.selfReported).at(-1)

const lastCheck = (checks) => {
  const last = lastVerdict(checks)
  if (!last) return html`<span class="muted">none yet</span>`
  const ok = /^OK/.test(last.result)
  return html`<span class=${ok ? 'ok' : 'no'} title=${last.result}>${ok ? 'OK' : 'NO'}</span> <span class="muted">${ago(last.time)}</span>`
}

/** Where an interview on the Swarm runs, and whether its node is lost; nothing for one on this server's engine. */
function where(i) {
  if (i.engine !== 'swarm') return ''
  return i.state === 'lost'
    ? html` <span class="no" data-state="lost" title="its node is down: the recording up to the loss is kept">lost (${i.node})</span>`
    : html` <span class="muted" data-node=${i.node}>on ${i.node}</span>`
}

export function InterviewList() {
  const { data, error } = usePolling(() => call('GET', '/api/interviews'), 3000)
  if (!data) return html`<p class="error">${error || 'loading…'}</p>`
  if (!data.length) return html`<p>No interview is running. <a href="#/start">Start one</a>.</p>`
  return html`<p class="error">${error}</p><table class="list">
    <thead><tr><th>interview</th><th>task</th><th>age</th><th>time left</th><th>people</th><th>last check</th></tr></thead>
    <tbody>${data.map((i) => html`<tr data-interview=${i.name}>
      <td><a href=${'#/live/' + encodeURIComponent(i.name)}>${i.name}</a>${where(i)}</td>
      <td>${i.task}</td>
      <td>${ago(i.createdAt).replace(' ago', '')}</td>
      <td>${i.secondsLeft === null ? html`<span class="muted">no limit</span>` : clock(i.secondsLeft)}</td>
      <td title=${(i.people ?? []).map((p) => `${p.who} (${p.role})`).join(', ')}>${(i.people ?? []).length}</td>
      <td>${lastCheck(i.checks)}</td>
    </tr>`)}</tbody></table>`
}

export function PastInterviews() {
  const [data, setData] = useState(undefined)
  const [error, setError] = useState('')
  useEffect(() => { call('GET', '/api/recordings').then(setData, (e) => setError(e.message)) }, [])
  if (!data) return html`<p class="error">${error || 'loading…'}</p>`
  if (!data.length) return html`<p>No recording yet.</p>`
  return html`<table class="list">
    <thead><tr><th>recording</th><th>task</th><th>started</th><th>ended</th><th>size</th></tr></thead>
    <tbody>${data.map((r) => html`<tr data-recording=${r.name}>
      <td><a href=${'#/replay/' + encodeURIComponent(r.name)}>${r.name}</a></td>
      <td>${r.task ?? ''}</td>
      <td>${r.started ? new Date(r.started).toLocaleString() : ''}</td>
      <td>${r.ended ? new Date(r.ended).toLocaleString() : html`<span class="muted">running</span>`}</td>
      <td>${Math.ceil(r.castBytes / 1024)} KiB</td>
    </tr>`)}</tbody></table>`
}
