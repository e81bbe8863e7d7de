// The interviewers' cockpit: sign in, the running interviews, the start form, one interview live
// (its shared terminal, checks, faults, people, notes, timer) and past interviews' replays. Preact
// with htm, no build step; every call goes through the API (docs/api.md).
import { html, render, useEffect, useState } from '/assets/preact-htm.js'
import { call, setCsrf } from './cockpit-api.js'
import { InterviewList, PastInterviews } from './cockpit-lists.js'
import { StartForm } from './cockpit-start.js'
import { LiveInterview } from './cockpit-live.js'
import { Replay } from './cockpit-replay.js'

/** The view the address names: #/, #/start, #/past, #/live/NAME, #/replay/NAME. */
function useRoute() {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'interviews').split('/').map(decodeURIComponent)
  const [route, setRoute] = useState(read())
  useEffect(() => {
    const onChange = () => setRoute(read())
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}

function SignIn({ onSignedIn }) {
  const [error, setError] = useState('')
  const submit = async (event) => {
    event.preventDefault()
    const token = event.target.token.value.trim()
    try {
      const session = await call('POST', '/api/session', { token })
      setCsrf(session.csrf)
      onSignedIn(session.name)
    } catch (e) {
      setError(e.message)
    }
  }
  return html`<form class="signin" onSubmit=${submit}>
    <h1>interview-env cockpit</h1>
    <label>Your interviewer token <input name="token" type="password" autocomplete="off" autofocus /></label>
    <button type="submit">Sign in</button>
    <p class="error" role="alert">${error}</p>
    <p class="hint">No token? Ask whoever runs this server: <code>npx zx scripts/interviewers.mjs add YOURNAME</code></p>
  </form>`
}

function App() {
  const [me, setMe] = useState(undefined)
  const route = useRoute()
  useEffect(() => {
    call('GET', '/api/session').then(
      (session) => { setCsrf(session.csrf); setMe(session.name) },
      () => setMe(null),
    )
  }, [])
  if (me === undefined) return html`<p class="loading">loading…</p>`
  if (me === null) return html`<${SignIn} onSignedIn=${setMe} />`
  const signOut = async () => {
    await call('DELETE', '/api/session').catch(() => undefined)
    setMe(null)
  }
  const [view, name] = route
  const here = (which) => (view === which ? 'here' : '')
  return html`<header>
      <b>interview-env</b>
      <a href="#/interviews" class=${here('interviews')}>Interviews</a>
      <a href="#/start" class=${here('start')}>Start one</a>
      <a href="#/past" class=${here('past')}>Past interviews</a>
      <span class="me">${me} <button class="link" onClick=${signOut}>sign out</button></span>
    </header>
    <main>
      ${view === 'start' ? html`<${StartForm} />`
      : view === 'past' ? html`<${PastInterviews} />`
      : view === 'live' && name ? html`<${LiveInterview} key=${name} name=${name} me=${me} />`
      : view === 'replay' && name ? html`<${Replay} key=${name} name=${name} me=${me} />`
      : html`<${InterviewList} />`}
    </main>`
}

const root = document.getElementById('app')
root.textContent = ''
render(html`<${App} />`, root)
