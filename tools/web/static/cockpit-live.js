// One running interview in the cockpit: the live shared terminal (watching by default, a switch to
// type), the checks as a strip with "check now", the task's faults, the people connected with a
// watch/type switch, the interviewer's notes (autosaved), the timer, and "end interview".
import { html, useEffect, useRef, useState } from '/assets/preact-htm.js'
import { ago, call, clock } from './cockpit-api.js'
import { lastVerdict, usePolling } from './cockpit-lists.js'
import { Scorecard } from './cockpit-scorecard.js'

const api = (name, action = '') => `/api/interviews/${encodeURIComponent(name)}${action ? '/' + action : ''}`

/** The shared terminal over the cockpit's WebSocket: read-only unless `typing`. */
function LiveTerminal({ name, typing }) {
  const box = useRef(null)
  const [status, setStatus] = useState('connecting…')
  useEffect(() => {
    const term = new Terminal({ fontSize: 14, fontFamily: 'DejaVu Sans Mono, monospace', scrollback: 5000, disableStdin: !typing })
    const fit = new FitAddon.FitAddon()
    term.loadAddon(fit)
    term.open(box.current)
    fit.fit()
    window.__cockpitTerminal = term
    const encoder = new TextEncoder()
    let socket
    let stopped = false
    let delay = 250
    const sendSize = () => socket?.readyState === 1 && socket.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }))
    const connect = () => {
      socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/cockpit/${encodeURIComponent(name)}/${typing ? 'type' : 'watch'}`)
      socket.binaryType = 'arraybuffer'
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') return term.write(new Uint8Array(event.data))
        delay = 250
        setStatus(typing ? 'typing' : 'watching (read-only)')
        if (typing) sendSize()
      }
      socket.onclose = (event) => {
        if (stopped) return
        if (event.code === 4000) return setStatus('the interview has ended')
        setStatus('connection lost: reconnecting…')
        setTimeout(() => !stopped && connect(), delay)
        delay = Math.min(delay * 2, 5000)
      }
    }
    const input = term.onData((data) => typing && socket?.readyState === 1 && socket.send(encoder.encode(data)))
    const onResize = () => { fit.fit(); if (typing) sendSize() }
    window.addEventListener('resize', onResize)
    connect()
    if (typing) term.focus()
    return () => {
      stopped = true
      window.removeEventListener('resize', onResize)
      input.dispose()
      socket?.close()
      term.dispose()
    }
  }, [name, typing])
  return html`<div class="terminal-status" data-status=${status}>${status}</div><div class="terminal" ref=${box}></div>`
}

function CheckStrip({ name, checks }) {
  const verdict = lastVerdict(checks)
  const [running, setRunning] = useState(false)
  const [last, setLast] = useState('')
  const checkNow = async () => {
    setRunning(true)
    try {
      setLast((await call('POST', api(name, 'check'))).message ?? '')
    } catch (e) {
      setLast(e.message)
    } finally {
      setRunning(false)
    }
  }
  return html`<section class="checks">
    <h3>Checks</h3>
    <div class="strip">${checks.map((c) => html`<span class=${'cell ' + (c.selfReported ? 'self' : /^OK/.test(c.result) ? 'ok' : 'no')}
      title=${`${new Date(c.time).toLocaleTimeString()} ${c.selfReported ? "the candidate's own task check (self-reported, no verdict)" : c.by ? 'by ' + c.by : ''}: ${c.result}`}></span>`)}</div>
    <p class="last-check">${last || (verdict ? `${verdict.result} (${ago(verdict.time)})` : 'not checked yet')}</p>
    <button onClick=${checkNow} disabled=${running}>${running ? 'Checking…' : 'Check now'}</button>
  </section>`
}

function Faults({ name, applied }) {
  const [faults, setFaults] = useState([])
  const [message, setMessage] = useState('')
  useEffect(() => { call('GET', api(name, 'faults')).then(setFaults, (e) => setMessage(e.message)) }, [name])
  const apply = async (fault) => {
    if (!confirm(`Apply the fault "${fault}" to the candidate's system now?`)) return
    try {
      setMessage(`applied: ${(await call('POST', api(name, 'break'), { fault })).applied}`)
    } catch (e) {
      setMessage(e.message)
    }
  }
  if (!faults.length && !message) return null
  return html`<section class="faults">
    <h3>Faults</h3>
    ${faults.map((f) => html`<div class="fault"><button onClick=${() => apply(f.name)} data-fault=${f.name}>Apply ${f.name}</button> <span class="muted">${f.description}</span>${applied.some((a) => a.fault === f.name) ? html` <b>applied</b>` : ''}</div>`)}
    <p class="muted">${message}</p>
  </section>`
}

function People({ name, people }) {
  const [message, setMessage] = useState('')
  const flip = async (person) => {
    try {
      await call('POST', api(name, 'role'), { who: person.who, readonly: !person.readonly })
      setMessage(`${person.who} now ${person.readonly ? 'types' : 'watches'}`)
    } catch (e) {
      setMessage(e.message)
    }
  }
  return html`<section class="people">
    <h3>People connected</h3>
    ${people.length ? '' : html`<p class="muted">nobody yet</p>`}
    ${people.map((p) => html`<div class="person" data-who=${p.who}>
      <span>${p.who}</span> <span class="muted">${p.role}, ${p.readonly ? 'watching' : 'typing'}</span>
      <button class="small" onClick=${() => flip(p)}>${p.readonly ? 'let type' : 'make watch'}</button>
    </div>`)}
    <p class="muted">${message}</p>
  </section>`
}

/** The interview's panel: whose notes for "this interview's interviewers" they may read; a member adds others. */
function Panel({ name, panel }) {
  const [message, setMessage] = useState('')
  const add = async (event) => {
    event.preventDefault()
    try {
      await call('POST', api(name, 'panel'), { add: event.target.who.value.trim() })
      setMessage(`added ${event.target.who.value.trim()}`)
      event.target.reset()
    } catch (e) {
      setMessage(e.message)
    }
  }
  return html`<section class="panel">
    <h3>Panel</h3>
    <p class="muted">${panel.length ? panel.join(', ') : 'nobody yet (started from the command line)'}</p>
    <form class="inline-form" onSubmit=${add}><input name="who" placeholder="interviewer's name" /> <button class="small">add</button></form>
    <p class="muted">${message}</p>
  </section>`
}

function Notes({ name, me }) {
  const [text, setText] = useState(undefined)
  const [everyone, setEveryone] = useState(false)
  const [others, setOthers] = useState([])
  const [saved, setSaved] = useState('')
  const timer = useRef(0)
  useEffect(() => {
    call('GET', api(name, 'notes')).then((notes) => {
      const mine = notes.find((n) => n.by === me)
      setText(mine?.text ?? '')
      setEveryone(mine?.visibility === 'everyone')
      setOthers(notes.filter((n) => n.by !== me))
    }, (e) => { setText(''); setSaved(e.message) })
  }, [name])
  const save = (nextText, nextEveryone) => {
    clearTimeout(timer.current)
    setSaved('editing…')
    timer.current = setTimeout(async () => {
      try {
        await call('POST', api(name, 'notes'), { text: nextText, visibility: nextEveryone ? 'everyone' : 'interview' })
        setSaved(`saved ${new Date().toLocaleTimeString()}`)
      } catch (e) {
        setSaved(`not saved: ${e.message}`)
      }
    }, 800)
  }
  if (text === undefined) return null
  return html`<section class="notes">
    <h3>Your notes <span class="muted">(never shown to the candidate)</span></h3>
    <textarea rows="6" value=${text} onInput=${(e) => { setText(e.target.value); save(e.target.value, everyone) }}></textarea>
    <label class="inline"><input type="checkbox" checked=${everyone} onChange=${(e) => { setEveryone(e.target.checked); save(text, e.target.checked) }} /> visible to every interviewer (else to this interview's panel)</label>
    <p class="muted note-status">${saved}</p>
    ${others.map((n) => html`<div class="other-note"><b>${n.by}</b> <span class="muted">${ago(n.time)}</span><pre>${n.text}</pre></div>`)}
  </section>`
}

function Timer({ secondsLeft }) {
  const [now, setNow] = useState(Date.now())
  const [base, setBase] = useState({ left: secondsLeft, at: Date.now() })
  useEffect(() => setBase({ left: secondsLeft, at: Date.now() }), [secondsLeft])
  useEffect(() => { const tick = setInterval(() => setNow(Date.now()), 1000); return () => clearInterval(tick) }, [])
  if (secondsLeft === null || secondsLeft === undefined) return html`<div class="timer muted">no time limit</div>`
  const left = base.left - (now - base.at) / 1000
  return html`<div class=${'timer' + (left < 120 ? ' urgent' : '')}>${clock(left)} left</div>`
}

export function LiveInterview({ name, me }) {
  const { data, error } = usePolling(() => call('GET', api(name)), 2000, [name])
  const [typing, setTyping] = useState(false)
  const [ended, setEnded] = useState(false)
  const end = async () => {
    if (!confirm(`End ${name} now? The candidate's system is removed; the recording stays.`)) return
    await call('DELETE', api(name)).catch(() => undefined)
    setEnded(true)
  }
  if (ended || (!data && /no running interview/.test(error)))
    return html`<p class="ended">${name} has ended. <a href=${'#/replay/' + encodeURIComponent(name)}>Replay it</a>.</p>`
  if (!data) return html`<p class="error">${error || 'loading…'}</p>`
  return html`<div class="live">
    <section class="terminal-pane">
      <div class="toolbar">
        <b>${data.name}</b> <span class="muted">${data.task}${data.variant ? ` · variant ${data.variant}` : ''}</span>
        <label class="inline switch"><input type="checkbox" name="typing" checked=${typing} onChange=${(e) => setTyping(e.target.checked)} /> type</label>
      </div>
      <${LiveTerminal} name=${name} typing=${typing} />
    </section>
    <aside>
      <${Timer} secondsLeft=${data.secondsLeft} />
      <p class="muted">hints read: ${data.hintsUsed}</p>
      <${CheckStrip} name=${name} checks=${data.checks ?? []} />
      <${Faults} name=${name} applied=${data.faultsApplied ?? []} />
      <${People} name=${name} people=${data.people ?? []} />
      <${Panel} name=${name} panel=${data.panel ?? []} />
      <${Notes} name=${name} me=${me} />
      <${Scorecard} path=${api(name, 'scorecard')} me=${me} />
      <button class="danger" onClick=${end}>End interview</button>
      <p class="error">${error}</p>
    </aside>
  </div>`
}
