// The cockpit's API (tools/cockpit, served by the gateway) against each kind of client: anonymous,
// a wrong or removed token, a signed-in browser without its CSRF header, bad input, and an
// interviewer running a real interview end to end (start, details, check, note, stop), whose every
// action lands on the timeline under their name. A real gateway and a real recorded interview.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newKeyPair } from '../../tools/core/ssh-keys.ts'
import { cockpitTestDirs } from './cockpit-dirs.ts'
import { loudly } from './wait-for.ts'

const { dir, state, use } = cockpitTestDirs('cockpit-')

type Gateway = Awaited<ReturnType<typeof import('../../tools/web/gateway.ts').startGateway>>
let gateway: Gateway
let alice: string
let bob: string
const started: string[] = []

interface Answer {
  status: number
  body: Record<string, any>
  headers: Headers
}

async function call(
  path: string,
  init: { method?: string; token?: string; cookie?: string; csrf?: string; json?: unknown; body?: string } = {},
) {
  const headers: Record<string, string> = {}
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
  if (init.cookie) headers.cookie = init.cookie
  if (init.csrf) headers['x-csrf-token'] = init.csrf
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${gateway.url}${path}`, {
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  })
  const text = await res.text()
  let body: Record<string, any> = {}
  try {
    body = JSON.parse(text)
  } catch {
    body = { text }
  }
  return { status: res.status, body, headers: res.headers } as Answer
}

async function signIn(token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const answer = await call('/api/session', { json: { token } })
  assert.is(answer.status, 200, JSON.stringify(answer.body))
  const setCookie = answer.headers.get('set-cookie') ?? ''
  return { cookie: setCookie.split(';')[0]!, csrf: answer.body.csrf, setCookie }
}

test.before(
  loudly(async () => {
    use()
    const { addInterviewer } = await import('../../tools/cockpit/interviewers.ts')
    const { startGateway } = await import('../../tools/web/gateway.ts')
    const { connectDocker } = await import('../../tools/engine/docker.ts')
    const { FailureLimiter } = await import('../../tools/web/rate-limit.ts')
    alice = addInterviewer('alice', state)
    bob = addInterviewer('bob', state)
    // The limit is the gateway's (10 a minute); the test of it uses its own address below.
    const { cockpitApiFor } = await import('../../tools/cockpit/serve.ts')
    const api = cockpitApiFor({ secure: false, bind: '127.0.0.1', stateDir: state })
    gateway = await startGateway({ docker: await connectDocker(), port: 0, api, limiter: new FailureLimiter(10, 60_000) })
  }),
)

test.after(async () => {
  const { stopInterviews } = await import('../../tools/interviews/stop.ts')
  await stopInterviews(started).catch(() => undefined)
  await gateway?.close()
})

test('the accounts file keeps hashes only, readable by its owner alone', () => {
  const file = join(state, 'interviewers.json')
  assert.is(statSync(file).mode & 0o777, 0o600)
  assert.is(statSync(state).mode & 0o777, 0o700)
  const text = readFileSync(file, 'utf8')
  assert.not.ok(text.includes(alice) || text.includes(bob), 'a token is in the file')
  assert.equal(
    JSON.parse(text).map((i: { name: string }) => i.name),
    ['alice', 'bob'],
  )
})

test('an anonymous client gets 401 on every path, and nothing runs', async () => {
  const paths: [string, string][] = [
    ['GET', '/api/tasks'],
    ['GET', '/api/interviews'],
    ['POST', '/api/interviews'],
    ['GET', '/api/interviews/x'],
    ['POST', '/api/interviews/x/check'],
    ['POST', '/api/interviews/x/notes'],
    ['DELETE', '/api/interviews/x'],
    ['GET', '/api/session'],
    ['DELETE', '/api/session'],
  ]
  for (const [method, path] of paths) {
    const answer = await call(path, { method, ...(method === 'POST' ? { json: { task: 'hello' } } : {}) })
    assert.is(answer.status, 401, `${method} ${path}: ${answer.status}`)
    assert.match(answer.body.error, /sign in|token/)
  }
  const forged = await call('/api/interviews', { cookie: 'ie_session=made-up', json: { task: 'hello' }, csrf: 'x' })
  assert.is(forged.status, 401, 'a made-up session cookie')
})

test('a signed-in browser gets an HttpOnly, SameSite=Strict cookie, and no change without its CSRF header', async () => {
  const { cookie, csrf, setCookie } = await signIn(alice)
  assert.match(setCookie, /HttpOnly/)
  assert.match(setCookie, /SameSite=Strict/)
  assert.is((await call('/api/session', { cookie })).body.name, 'alice')
  assert.is((await call('/api/tasks', { cookie })).status, 200, 'reading needs no CSRF header')
  const noHeader = await call('/api/interviews', { cookie, json: { task: 'hello' } })
  assert.is(noHeader.status, 403, 'a change without the header (what a cross-site form sends)')
  const wrongHeader = await call('/api/interviews', { cookie, json: { task: 'hello' }, csrf: 'guess' })
  assert.is(wrongHeader.status, 403)
  const bobs = await signIn(bob)
  assert.is(
    (await call('/api/interviews', { cookie, csrf: bobs.csrf, json: { task: 'hello' } })).status,
    403,
    "another session's CSRF token",
  )
  assert.is((await call('/api/session', { method: 'DELETE', cookie, csrf })).status, 200)
  assert.is((await call('/api/tasks', { cookie })).status, 401, 'signed out')
})

test('bad input is a 400 with a one-line reason, and starts nothing', async () => {
  const before = ((await call('/api/interviews', { token: alice })).body as unknown as { task: string }[]).filter((i) => i.task === 'hello')
  const cases: [unknown, RegExp][] = [
    [{}, /"task" is missing/],
    [{ task: 'hello', ttl: 'soon' }, /not a duration/],
    [{ task: 'hello', egress: 'everywhere' }, /"egress" must be one of/],
    [{ task: 'hello', keys: 'ssh-ed25519 AAAA' }, /"keys" must be a list/],
    [{ task: 'hello', rm: '-rf' }, /unknown field "rm"/],
    [{ task: 'no-such-task' }, /unknown image or task/],
    [[1, 2], /must be a JSON object/],
  ]
  for (const [json, reason] of cases) {
    const answer = await call('/api/interviews', { token: alice, json })
    assert.is(answer.status, 400, JSON.stringify(json))
    assert.match(answer.body.error, reason)
    assert.not.ok(String(answer.body.error).includes('\n'))
  }
  const text = await call('/api/interviews', { token: alice, method: 'POST', body: 'task=hello' })
  assert.is(text.status, 400)
  assert.match(text.body.error, /as JSON/)
  const huge = await call('/api/interviews/x/notes', { token: alice, json: { text: 'x'.repeat(100_000) } })
  assert.ok([404, 413].includes(huge.status), `a 100 kB body: ${huge.status}`)
  assert.is((await call('/api/interviews/no-such/check', { token: alice, method: 'POST' })).status, 404)
  assert.is((await call('/api/nothing-here', { token: alice })).status, 404)
  assert.is((await call('/api/interviews/%E0%A4', { token: alice })).status, 400, 'a malformed escape')
  assert.is((await call('/api/recordings/%', { token: alice })).status, 400)
  const after = ((await call('/api/interviews', { token: alice })).body as unknown as { task: string }[]).filter((i) => i.task === 'hello')
  assert.is(after.length, before.length, 'a bad request started an interview')
})

test('an interviewer starts, reads, checks, annotates and stops an interview; each action is on the timeline by name', async () => {
  const key = newKeyPair('candidate')
  writeFileSync(join(dir, 'id'), key.privateKey, { mode: 0o600 })
  const start = await call('/api/interviews', { token: alice, json: { task: 'hello', ttl: '20m', keys: [key.publicKey] } })
  assert.is(start.status, 201, JSON.stringify(start.body))
  const name: string = start.body.name
  started.push(name)
  assert.is(start.body.task, 'hello')
  // The candidate logs in as the card says, with the key the request gave.
  const login = execFileSync(
    'ssh',
    [
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      join(dir, 'id'),
      '-p',
      String(start.body.port),
      `${start.body.user}@127.0.0.1`,
      'echo in-the-box',
    ],
    { encoding: 'utf8' },
  )
  assert.match(login, /in-the-box/)

  // The timeline as server-sent events: the check below arrives on it.
  const stream = await fetch(`${gateway.url}/api/interviews/${name}/events`, { headers: { authorization: `Bearer ${alice}` } })
  assert.is(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  const reader = stream.body!.getReader()
  let streamed = ''
  const streamedCheck = (async () => {
    while (!/event: check\ndata: .*"by":"bob"/.test(streamed)) {
      const { value, done } = await reader.read()
      if (done) break
      streamed += Buffer.from(value).toString('utf8')
    }
  })()

  const { cookie, csrf } = await signIn(bob)
  const check = await call(`/api/interviews/${name}/check`, { cookie, csrf, method: 'POST' })
  assert.is(check.status, 200)
  assert.is(check.body.ok, false)
  assert.match(check.body.message, /^NO: /)
  assert.is((await call(`/api/interviews/${name}/notes`, { cookie, csrf, json: { text: 'reads logs first' } })).status, 201)
  const badVisibility = await call(`/api/interviews/${name}/notes`, { cookie, csrf, json: { text: 'x', visibility: 'candidate' } })
  assert.is(badVisibility.status, 400)
  assert.match(badVisibility.body.error, /visibility is "interview"/)
  // A note is its interview's interviewers' (alice started it), unless its author shares it with everyone.
  const { addInterviewer } = await import('../../tools/cockpit/interviewers.ts')
  const dave = addInterviewer('dave', state)
  const notesOf = async (token: string) =>
    ((await call(`/api/interviews/${name}/notes`, { token })).body as unknown as { by: string; text: string }[]).map(
      (n) => `${n.by}: ${n.text}`,
    )
  assert.equal(await notesOf(alice), ['bob: reads logs first'])
  assert.equal(await notesOf(dave), [], 'an interviewer of another interview reads a private note')
  // Acting on an interview puts no one on its panel: dave checks it, then tries to add himself.
  assert.is((await call(`/api/interviews/${name}/check`, { token: dave, method: 'POST' })).status, 200)
  assert.equal(await notesOf(dave), [], "a check opened the panel's notes")
  const selfAdded = await call(`/api/interviews/${name}/panel`, { token: dave, json: { add: 'dave' } })
  assert.is(selfAdded.status, 403)
  assert.match(selfAdded.body.error, /only .*'s panel \(alice\) may add/)
  assert.is((await call(`/api/interviews/${name}/panel`, { token: alice, json: { add: 'nobody-here' } })).status, 400)
  const added = await call(`/api/interviews/${name}/panel`, { token: alice, json: { add: 'dave' } })
  assert.equal(added.body.panel, ['alice', 'dave'])
  assert.equal(await notesOf(dave), ['bob: reads logs first'], "a panel member reads the panel's notes")
  const shared = { text: 'reads logs first, then strace', visibility: 'everyone' }
  assert.is((await call(`/api/interviews/${name}/notes`, { cookie, csrf, json: shared })).status, 201)
  assert.equal(await notesOf(dave), ['bob: reads logs first, then strace'], 'a note shared with every interviewer')

  await Promise.race([streamedCheck, new Promise((resolve) => setTimeout(resolve, 5000))])
  await reader.cancel()
  assert.match(streamed, /event: start\n/, 'the stream starts with what is on the timeline already')
  assert.match(streamed, /event: check\ndata: .*"by":"bob"/, `the check did not arrive on the stream:\n${streamed}`)

  // Faults and roles: a fault the task has not, and nobody of that name, are 400s that say why.
  assert.equal(
    (await call(`/api/interviews/${name}/faults`, { token: alice })).body.map((f: { name: string }) => f.name),
    ['service-stopped'],
  )
  const noFault = await call(`/api/interviews/${name}/break`, { token: alice, json: { fault: 'disk' } })
  assert.is(noFault.status, 400)
  assert.match(noFault.body.error, /has no fault "disk"/)
  assert.match(noFault.body.hint, /service-stopped/)
  const nobody = await call(`/api/interviews/${name}/role`, { token: alice, json: { who: 'mallory', readonly: false } })
  assert.is(nobody.status, 400)
  assert.is((await call(`/api/interviews/${name}/role`, { token: alice, json: { who: 'mallory' } })).status, 400)

  // The scorecard: the task's rubric, a score outside it refused, a score kept under the scorer's name.
  const card = await call(`/api/interviews/${name}/scorecard`, { token: alice })
  assert.is(card.status, 200)
  assert.is(card.body.rubric.length, 3)
  const offRubric = await call(`/api/interviews/${name}/scorecard`, { token: alice, json: { criterion: 'HTTP by hand', score: 7 } })
  assert.is(offRubric.status, 400)
  assert.match(offRubric.body.error, /must be one of 1, 2, 3/)
  const scored = await call(`/api/interviews/${name}/scorecard`, { token: alice, json: { criterion: 'HTTP by hand', score: 2 } })
  assert.equal(scored.body.scores, { alice: { 'HTTP by hand': 2 } })

  const details = await call(`/api/interviews/${name}`, { token: alice })
  assert.is(details.status, 200)
  assert.equal(
    details.body.checks.map((c: { by: string; result: string }) => c.by),
    ['bob', 'dave'],
  )
  assert.equal(details.body.panel, ['alice', 'dave'])
  assert.ok(details.body.secondsLeft > 60 && details.body.secondsLeft <= 1200, `time left: ${details.body.secondsLeft}`)
  assert.is(details.body.hintsUsed, 0)

  const stop = await call(`/api/interviews/${name}`, { token: alice, method: 'DELETE' })
  assert.is(stop.status, 200)
  assert.is((await call(`/api/interviews/${name}`, { token: alice })).status, 404)

  const recording = start.body.recording as string
  const events = readFileSync(join(recording, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
  const actions = events.filter((e) => e.type === 'interviewer' || e.type === 'check').map((e) => `${e.by} ${e.action ?? e.type}`)
  assert.equal(actions, ['alice start', 'bob check', 'bob note', 'dave check', 'alice panel', 'bob note', 'alice score', 'alice stop'])
  // The note itself is kept beside the recording, private to the host's owner; never in the box.
  const notes = join(recording, 'notes.jsonl')
  assert.ok(existsSync(notes))
  assert.is(statSync(notes).mode & 0o777, 0o600)
  assert.match(readFileSync(notes, 'utf8'), /"by":"bob","text":"reads logs first"/)

  // The recording, over the API: in the list, with its timeline, summary and notes, and its cast.
  const recordingName = recording.split('/').pop()!
  const list = (await call('/api/recordings', { token: alice })).body as unknown as { name: string; task: string }[]
  assert.ok(
    list.some((r) => r.name === recordingName && r.task === 'hello'),
    JSON.stringify(list),
  )
  const one = await call(`/api/recordings/${recordingName}`, { token: alice })
  assert.is(one.status, 200)
  assert.ok(one.body.events.some((e: { type: string }) => e.type === 'end'))
  assert.match(one.body.summary, /hello/)
  assert.match(one.body.summary, /\| HTTP by hand \| 2 \|/, 'the summary carries the scores')
  assert.is(one.body.notes[0].text, 'reads logs first, then strace')
  const cast = await fetch(`${gateway.url}/api/recordings/${recordingName}/cast`, { headers: { authorization: `Bearer ${alice}` } })
  assert.is(cast.status, 200)
  assert.match((await cast.text()).split('\n')[0]!, /"version":\s*2/)
  for (const path of ['..', '..%2F..%2Fetc%2Fpasswd', '%2E%2E', 'no-such-recording'])
    assert.is((await call(`/api/recordings/${path}`, { token: alice })).status, 404, path)
  assert.is((await call(`/api/recordings/${recordingName}`)).status, 401, 'anonymous')
})

test("a removed interviewer's token and sessions stop working at once", async () => {
  const { addInterviewer, removeInterviewer } = await import('../../tools/cockpit/interviewers.ts')
  const carol = addInterviewer('carol', state)
  const { cookie } = await signIn(carol)
  assert.is((await call('/api/tasks', { token: carol })).status, 200)
  removeInterviewer('carol', state)
  assert.is((await call('/api/tasks', { token: carol })).status, 401)
  assert.is((await call('/api/tasks', { cookie })).status, 401)
  // A new token for the same name (a leaked one replaced) does not bring an old session back.
  const { cookie: second } = await signIn(addInterviewer('carol', state))
  removeInterviewer('carol', state)
  const carolAgain = addInterviewer('carol', state)
  assert.is((await call('/api/tasks', { cookie: second })).status, 401, 'a session of the replaced token')
  assert.is((await call('/api/tasks', { token: carolAgain })).status, 200)
})

test('failed sign-ins are limited: past ten a minute the address waits, and a known-good token still works', async () => {
  // The carol test's refused token counted already: ten failures in all from this address.
  const statuses: number[] = []
  for (let i = 0; i < 10; i++) statuses.push((await call('/api/session', { json: { token: `wrong-${i}` } })).status)
  assert.equal(statuses, [...Array(9).fill(401), 429])
  const blocked = await call('/api/session', { json: { token: alice } })
  assert.is(blocked.status, 429, 'a sign-in past the limit waits, even with a good token')
  assert.is((await call('/api/tasks', { token: 'wrong-again' })).status, 429, 'bearer guesses too')
  assert.is((await call('/api/tasks', { token: alice })).status, 200, 'a token that already worked keeps working')
})

test.run()
