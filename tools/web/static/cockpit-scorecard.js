// The task's scorecard (its rubric.md) beside the notes: each criterion with its levels; the
// interviewer scores each one, sees the other interviewers' scores, and the summary carries them.
import { html, useEffect, useState } from '/assets/preact-htm.js'
import { call } from './cockpit-api.js'

/** `path` is the scorecard of a running interview or of a recording (docs/api.md). */
export function Scorecard({ path, me }) {
  const [card, setCard] = useState(undefined)
  const [error, setError] = useState('')
  useEffect(() => { call('GET', path).then(setCard, (e) => setError(e.message)) }, [path])
  if (!card) return error ? html`<p class="error">${error}</p>` : null
  if (!card.rubric.length) return null
  const mine = card.scores[me] ?? {}
  const others = Object.entries(card.scores).filter(([by]) => by !== me)
  const score = async (criterion, level) => {
    try {
      setCard(await call('POST', path, { criterion, score: level }))
      setError('')
    } catch (e) {
      setError(e.message)
    }
  }
  return html`<section class="scorecard">
    <h3>Scorecard</h3>
    ${card.rubric.map((c) => html`<div class="criterion" data-criterion=${c.name}>
      <b>${c.name}</b> <span class="muted">${c.about}</span>
      <div class="levels">${c.levels.map((l) => html`<button class=${'level' + (mine[c.name] === l.score ? ' chosen' : '')} title=${l.text} data-score=${l.score} onClick=${() => score(c.name, l.score)}>${l.score}</button>`)}</div>
      <div class="muted">${c.levels.find((l) => l.score === mine[c.name])?.text ?? 'not scored yet'}</div>
      ${others.filter(([, s]) => s[c.name] !== undefined).map(([by, s]) => html`<div class="muted">${by}: ${s[c.name]}</div>`)}
    </div>`)}
    <p class="error">${error}</p>
  </section>`
}
