// Browser connections and the tmux clients behind them, against a real interview: a closed socket
// ends its client in the container (hundreds of them leave no client and no kernel key behind),
// a read-only observer never sizes the window, and messages have a size limit.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import WebSocket from 'ws'
import { connectDocker } from '../../tools/engine/docker.ts'
import { runInterview } from '../../tools/interviews/start.ts'
import { stopInterviews } from '../../tools/interviews/stop.ts'
import { containerName } from '../../tools/engine/names.ts'
import type { InterviewDetails } from '../../tools/interviews/card.ts'
import { startGateway, type Gateway } from '../../tools/web/gateway.ts'

const name = `web-clients-${process.pid}`
const CONNECTIONS = 500
const AT_ONCE = 8
let gateway: Gateway
let interview: InterviewDetails

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const inBox = (script: string) =>
  execFileSync('docker', ['exec', '-u', 'user', containerName(name), 'sh', '-c', script], { encoding: 'utf8' }).trim()
const tmuxClients = () => Number(inBox('tmux list-clients 2>/dev/null | wc -l'))
const windowSize = () => inBox(`tmux display -p -t interview '#{window_width}x#{window_height}'`)

/** Keys held by the host uid that root in every container maps to (/proc/key-users), from /etc/subuid. */
function remappedRootKeys(): number {
  const base = /^dockremap:(\d+):/m.exec(readFileSync('/etc/subuid', 'utf8'))?.[1]
  const line = readFileSync('/proc/key-users', 'utf8')
    .split('\n')
    .find((l) => l.trim().startsWith(`${base}:`))
  return line ? Number(/ (\d+)\/\d+ /.exec(line)![1]) : 0
}

async function waitFor<T>(what: string, probe: () => T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

const wsUrl = (link: string) => link.replace(/^http/, 'ws').replace('/i/', '/ws/')

/** Opens a socket for a link; resolves once the gateway says hello and the terminal has drawn. */
function connect(link: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(link), { headers: { origin: gateway.url } })
    let hello = false
    socket.on('message', (data, isBinary) => {
      if (!isBinary) hello = String(data).includes('"hello"')
      else if (hello) resolve(socket)
    })
    socket.on('error', reject)
    socket.on('close', (code) => reject(new Error(`closed with ${code}`)))
  })
}

/** Opens and closes one socket: every other one as soon as it opens, the rest once the terminal drew. */
function openAndClose(link: string, i: number): Promise<void> {
  if (i % 2) return connect(link).then((socket) => socket.close())
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(link), { headers: { origin: gateway.url } })
    socket.on('open', () => socket.close())
    socket.on('close', () => resolve())
    socket.on('error', reject)
  })
}

test.before(async () => {
  gateway = await startGateway({
    docker: await connectDocker(),
    port: 0,
    log: (line) => /error|could not/.test(line) && console.log(`  gateway: ${line}`),
  })
  interview = await runInterview('base', { name, keys: [], webGateway: gateway.url, log: () => {} })
})

test.after(async () => {
  await stopInterviews([name]).catch(() => undefined)
  await gateway?.close()
})

test('a closed socket ends its tmux client in the container within a second', async () => {
  const socket = await connect(interview.web!.observer)
  await waitFor('the browser client', () => tmuxClients() === 1, 5000)
  const closed = Date.now()
  socket.close()
  await waitFor('the client to end', () => tmuxClients() === 0, 5000)
  const took = Date.now() - closed
  console.log(`  client ended ${took} ms after its socket closed`)
  assert.ok(took < 1500, `the client outlived its socket by ${took} ms`)
})

test(`${CONNECTIONS} sockets opened and closed leave no tmux client and no kernel key behind`, async () => {
  const keysBefore = remappedRootKeys()
  const started = Date.now()
  let next = 0
  // Batches, so that a leak fails the test long before it fills the engine's key quota (200).
  for (let batch = 0; next < CONNECTIONS; batch++) {
    const end = Math.min(CONNECTIONS, next + 50)
    const workers = Array.from({ length: AT_ONCE }, async () => {
      while (next < end) {
        const i = next++
        await openAndClose(i % 3 ? interview.web!.observer : interview.web!.candidate, i)
      }
    })
    await Promise.all(workers)
    await waitFor(`the clients of batch ${batch} to end (${tmuxClients()} left)`, () => tmuxClients() === 0, 15_000)
  }
  console.log(`  ${CONNECTIONS} connections in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  await waitFor(
    `the keys to come back (${remappedRootKeys()} now, ${keysBefore} before)`,
    () => remappedRootKeys() <= keysBefore + 10,
    10_000,
  )
  assert.is(gateway.connections().get(name) ?? 0, 0)
})

test('a read-only observer alone never sizes the window; a candidate does', async () => {
  const before = windowSize()
  const observer = await connect(interview.web!.observer)
  observer.send(JSON.stringify({ type: 'resize', cols: 40, rows: 9 }))
  await sleep(1500)
  assert.is(windowSize(), before, 'the observer resized the window')
  const candidate = await connect(interview.web!.candidate)
  // 31 rows: 30 for the window, one for the status line.
  candidate.send(JSON.stringify({ type: 'resize', cols: 101, rows: 31 }))
  await waitFor('the candidate to size the window', () => windowSize() === '101x30', 5000)
  observer.send(JSON.stringify({ type: 'resize', cols: 40, rows: 9 }))
  await sleep(1000)
  assert.is(windowSize(), '101x30')
  observer.close()
  candidate.close()
  await waitFor('the clients to end', () => tmuxClients() === 0, 5000)
})

test('a message over 1 MiB closes the socket (1009), and its client ends', async () => {
  const candidate = await connect(interview.web!.candidate)
  const code = await new Promise<number>((resolve) => {
    candidate.on('close', (closeCode) => resolve(closeCode))
    candidate.send(Buffer.alloc(2 * 1024 * 1024, 0x20))
  })
  assert.is(code, 1009)
  await waitFor('the client to end', () => tmuxClients() === 0, 5000)
})

test.run()
