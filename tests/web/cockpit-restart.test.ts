// The server killed with SIGKILL mid-interview, then started again: the interview goes on (its box
// keeps running while the door, recorder and API are down), the new server finds it from the engine's
// labels, the recording continues with the gap marked, and the time limit still ends it. A real
// scripts/serve.mjs (front door, recorder and cockpit in one process), engine and OpenSSH client.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newKeyPair } from '../../tools/core/ssh-keys.ts'
import { REPO_ROOT } from '../../tools/core/paths.ts'
import { sleep } from '../../tools/core/sleep.ts'
import { containerName } from '../../tools/engine/names.ts'

const dir = mkdtempSync(join(tmpdir(), 'cockpit-restart-'))
const env = {
  ...process.env,
  INTERVIEW_ENV_RECORDINGS: join(dir, 'recordings'),
  INTERVIEW_ENV_SERVER_DIR: join(dir, 'server'),
  // A door of its own, served by the server, so that killing the server kills it.
  INTERVIEW_ENV_DOOR_PORT: '7692',
  INTERVIEW_ENV_DOOR_DIR: join(dir, 'door'),
}
const PORT = 7691
const api = `http://127.0.0.1:${PORT}/api`
let server: ChildProcess | undefined
let token = ''
let name = ''

function startServer(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/zx/build/cli.js'), join(REPO_ROOT, 'scripts/serve.mjs'), '--port', String(PORT)],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    // The recorder starts last: then the gateway and the door listen.
    const onData = (chunk: Buffer) => {
      output += chunk
      if (output.includes('recording the interviews of')) resolve(child)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`serve.mjs ended (${code}) before it listened:\n${output}`)))
  })
}

const get = async (path: string) => {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

async function waitFor<T>(what: string, probe: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined)
    if (value) return value
    await sleep(500)
  }
  throw new Error(`timed out waiting for ${what}`)
}

test.after(async () => {
  server?.kill('SIGKILL')
  if (name) {
    const { stopInterviews } = await import('../../tools/interviews/stop.ts')
    await stopInterviews([name]).catch(() => undefined)
  }
})

test('after a SIGKILL and a restart of the server, the interview goes on, is recorded, and its time limit ends it', async () => {
  const { addInterviewer } = await import('../../tools/cockpit/interviewers.ts')
  token = addInterviewer('alice', env.INTERVIEW_ENV_SERVER_DIR)
  const key = newKeyPair('candidate')
  writeFileSync(join(dir, 'id'), key.privateKey, { mode: 0o600 })
  server = await startServer()
  const started = await fetch(`${api}/interviews`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ task: 'hello', ttl: '45s', keys: [key.publicKey] }),
  })
  const card = (await started.json()) as Record<string, any>
  assert.is(started.status, 201, JSON.stringify(card))
  name = card.name
  const ssh = (command: string) =>
    execFileSync(
      'ssh',
      [
        ...['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR', 'BatchMode=yes', 'IdentitiesOnly=yes'].flatMap(
          (o) => ['-o', o],
        ),
        ...['-i', join(dir, 'id'), '-p', String(card.port), `${name}@127.0.0.1`, command],
      ],
      { encoding: 'utf8' },
    )

  const cast = join(card.recording, 'session.cast')
  const events = () => readFileSync(join(card.recording, 'events.jsonl'), 'utf8')
  const typeLine = (word: string) => ssh(`tmux send-keys -t interview 'echo ${word}' Enter; echo in`)
  const before = `before-the-kill-${process.pid}`
  assert.match(typeLine(before), /in/)
  await waitFor('the line typed before the kill in the cast', async () => readFileSync(cast, 'utf8').includes(before), 10_000)

  server.kill('SIGKILL')
  await new Promise((resolve) => server!.once('exit', resolve))
  const down = (promise: Promise<unknown>) =>
    promise.then(
      () => 'up',
      () => 'down',
    )
  assert.is(await down(fetch(`${api}/interviews`)), 'down', 'the API died with the server')
  assert.is(await down(Promise.resolve().then(() => ssh('true'))), 'down', 'the front door died with the server')
  const running = execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', containerName(name)], { encoding: 'utf8' })
  assert.is(running.trim(), 'true', 'the box goes on')
  await sleep(3000)

  server = await startServer()
  const found = await get(`/interviews/${name}`)
  assert.is(found.status, 200, 'the new server knows the interview from its labels')
  assert.ok(found.body.secondsLeft > 0 && found.body.secondsLeft <= 45, `time left: ${found.body.secondsLeft}`)
  // The recording continues: the gap is on the timeline and marked in the cast, and what is typed after is kept.
  await waitFor('the gap on the timeline', async () => /"type":"gap"/.test(events()), 10_000)
  const after = `after-the-restart-${process.pid}`
  assert.match(typeLine(after), /in/)
  await waitFor('the line typed after the restart in the cast', async () => readFileSync(cast, 'utf8').includes(after), 10_000)
  const markers = readFileSync(cast, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => JSON.parse(line) as [number, string, string])
    .filter(([, kind]) => kind === 'm')
  assert.ok(
    markers.some(([, , text]) => /^recorder restarted: nothing was recorded for [0-9]+ s$/.test(text)),
    JSON.stringify(markers),
  )

  // The time limit still ends it, and the recording says so.
  await waitFor('the time limit', async () => (await get(`/interviews/${name}`)).status === 404, 60_000)
  assert.match(events(), /"type":"expired"/)
  assert.match(events(), /"type":"end"/)
  name = ''
})

test.run()
