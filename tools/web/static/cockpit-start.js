// The start form: a task from the catalog (its title, difficulty, minutes and skills), the time
// limit, the variant, keys and browser links; then the card to copy to the candidate.
import { html, useEffect, useState } from '/assets/preact-htm.js'
import { call } from './cockpit-api.js'

/** What the candidate is given: how to join, and nothing for interviewers only (no variant). */
export function candidateCard(card) {
  return [
    `Your interview "${card.name}" is ready.`,
    `  join:      ${card.ssh}`,
    card.password ? `  password:  ${card.password}` : '  password:  none (key login only)',
    `  host key:  ${card.hostKeyFingerprint}  (ssh shows it on the first login: it must match)`,
    ...(card.web ? [`  browser:   ${card.web.candidate}  (the same terminal, in a browser)`] : []),
    ...(card.desktop ? [`  desktop:   ${card.desktop.link}`] : []),
    'Everyone shares ONE terminal: the interviewers see and may type on the same screen, and it is recorded.',
  ].join('\n')
}

export function StartForm() {
  const [tasks, setTasks] = useState(undefined)
  const [chosen, setChosen] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [card, setCard] = useState(undefined)
  useEffect(() => { call('GET', '/api/tasks').then(setTasks, (e) => setError(e.message)) }, [])
  if (!tasks) return html`<p class="error">${error || 'loading…'}</p>`
  const task = tasks.find((t) => t.name === chosen)
  const start = async (event) => {
    event.preventDefault()
    const form = event.target
    const keys = form.keys.value.split('\n').map((line) => line.trim()).filter(Boolean)
    const body = { task: chosen, ttl: form.ttl.value.trim() || undefined, web: form.web.checked, egress: form.egress.value, keys }
    if (form.variant.value) body.variant = form.variant.value
    setBusy(true)
    setError('')
    try {
      setCard(await call('POST', '/api/interviews', body))
    } catch (e) {
      setError(e.message)
    } finally {
      setBusy(false)
    }
  }
  if (card)
    return html`<section class="card">
      <h2>${card.name} is ready</h2>
      <p>Copy this to the candidate:</p>
      <pre id="candidate-card">${candidateCard(card)}</pre>
      <p class="muted">For the interviewers only: variant <b>${card.variant ?? 'none'}</b>${card.endsAt ? `, ends at ${new Date(card.endsAt).toLocaleTimeString()}` : ''}.</p>
      <a class="button" href=${'#/live/' + encodeURIComponent(card.name)}>Open the interview</a>
    </section>`
  return html`<form class="start" onSubmit=${start}>
    <h2>Start an interview</h2>
    <label>Task
      <select name="task" value=${chosen} onChange=${(e) => setChosen(e.target.value)} required>
        <option value="">choose a task…</option>
        ${tasks.map((t) => html`<option value=${t.name}>${t.name}: ${t.title}</option>`)}
      </select>
    </label>
    ${task && html`<div class="task-info" data-task=${task.name}>
      <b>${task.title}</b> · ${task.difficulty} · ${task.minutes} min
      <div class="skills">${(task.skills ?? []).map((s) => html`<span class="tag">${s}</span>`)}</div>
    </div>`}
    <label>Time limit <input name="ttl" placeholder=${task ? `${task.minutes}m` : '45m'} value=${task ? `${task.minutes}m` : ''} /></label>
    <label>Variant
      <select name="variant">
        <option value="">chosen at random</option>
        ${(task?.variants ?? []).map((v) => html`<option value=${v}>${v}</option>`)}
      </select>
    </label>
    <label>Network
      <select name="egress"><option value="internet">public addresses only</option><option value="none">none</option></select>
    </label>
    <label>Candidate's public keys (optional, one per line) <textarea name="keys" rows="3"></textarea></label>
    <label class="inline"><input type="checkbox" name="web" checked /> browser link for the candidate</label>
    <button type="submit" disabled=${!chosen || busy}>${busy ? 'Starting…' : 'Start'}</button>
    <p class="error" role="alert">${error}</p>
  </form>`
}
