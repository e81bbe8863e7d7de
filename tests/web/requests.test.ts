// The gateway (scripts/web.mjs, a real process) against hostile requests from an anonymous client:
// odd request lines, foreign Host headers (DNS rebinding), huge unauthenticated frames, and a
// brute-forcer sharing a reverse proxy with honest users. None of it needs an interview.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import WebSocket from 'ws'
import { REPO_ROOT } from '../../tools/core/paths.ts'
import { newToken } from '../../tools/web/tokens.ts'

const PUBLIC_URL = 'https://interviews.example.test'
let gateway: ChildProcess
let port: number
let url: string
let output = ''

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Sends raw bytes, returns whatever comes back before the gateway closes the connection or answers (or 3 s pass). */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answer)
    }
    let timer = setTimeout(done, 3000)
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1')
      // A complete answer on a kept-alive connection: give a crash a moment to happen, then go.
      if (answer.includes('\r\n\r\n')) {
        clearTimeout(timer)
        timer = setTimeout(done, 200)
      }
    })
    socket.on('close', done)
    socket.on('error', done)
    socket.write(bytes)
  })
}

/** Status of a plain HTTP request with the given headers. */
function status(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

function wsStatus(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers })
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.on('open', () => {
      socket.close()
      resolve(101)
    })
    socket.on('error', () => resolve(-1))
  })
}

const memoryKb = (field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${gateway.pid}/status`, 'utf8'))![1])
const alive = () => gateway.exitCode === null && gateway.signalCode === null

test.before(async () => {
  port = await freePort()
  url = `http://127.0.0.1:${port}`
  gateway = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/zx/build/cli.js'),
      join(REPO_ROOT, 'scripts/web.mjs'),
      '--port',
      String(port),
      '--public-url',
      PUBLIC_URL,
      '--trusted-proxy',
      '127.0.0.1',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  gateway.stdout!.on('data', (chunk) => (output += chunk))
  gateway.stderr!.on('data', (chunk) => (output += chunk))
  for (let i = 0; i < 150 && !output.includes('listening on'); i++) await sleep(100)
  assert.ok(output.includes(`listening on ${url}`), `the gateway did not start:\n${output}`)
})

test.after(() => {
  gateway?.kill('SIGTERM')
})

test('no request line or header shape kills the gateway, and /healthz answers after them', async () => {
  const host = `Host: 127.0.0.1:${port}\r\n`
  const upgrade = `${host}Origin: ${url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
  const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'
  const shapes = [
    `GET // HTTP/1.1\r\n${host}\r\n`,
    `GET //evil.example/i/x HTTP/1.1\r\n${host}\r\n`,
    `GET http://x HTTP/1.1\r\n${host}\r\n`,
    `GET % HTTP/1.1\r\n${host}\r\n`,
    `GET /i/% HTTP/1.1\r\n${host}\r\n`,
    `GET * HTTP/1.1\r\n${host}\r\n`,
    `GET /${'a'.repeat(200_000)} HTTP/1.1\r\n${host}\r\n`,
    `GET /i/${'a'.repeat(8000)} HTTP/1.1\r\n${host}\r\n`,
    `GET /healthz HTTP/1.0\r\n\r\n`,
    `BREW /healthz HTTP/1.1\r\n${host}\r\n`,
    `GET // HTTP/1.1\r\n${upgrade}${key}\r\n`,
    `GET http://x/ws/desktop HTTP/1.1\r\n${upgrade}${key}\r\n`,
    `GET /ws/desktop HTTP/1.1\r\n${upgrade}\r\n`,
    `GET /ws/desktop HTTP/1.1\r\n${upgrade}Sec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n`,
    `GET /ws/${newToken()} HTTP/1.1\r\n${upgrade}${key}\r\n`,
    `GET /ws/desktop HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${key}\r\n`,
    `GET /ws/desktop HTTP/1.1\r\n${host}${host}Origin: ${url}\r\nOrigin: ${url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${key}\r\n`,
    `GET /ws/desktop HTTP/1.1\r\n${upgrade}${key}\r\n\x88\x80\0\0\0\0`,
    `\0\xff\r\n\r\n`,
  ]
  for (const shape of shapes) {
    await raw(shape)
    assert.ok(alive(), `the gateway died on ${JSON.stringify(shape.slice(0, 80))}:\n${output}`)
  }
  // A client that hangs up in the middle of an upgrade.
  const socket = connect(port, '127.0.0.1')
  socket.write(`GET /ws/${newToken()} HTTP/1.1\r\n${upgrade}${key}\r\n`)
  socket.destroy()
  await sleep(500)
  assert.is(await status('/healthz', { host: `127.0.0.1:${port}` }), 200)
  assert.ok(alive())
})

test('a foreign Host is refused, for pages and sockets (DNS rebinding); the public URL and loopback names are served', async () => {
  const evil = { host: 'evil.example', origin: 'http://evil.example' }
  assert.is(await status('/healthz', evil), 421)
  assert.is(await status(`/i/${newToken()}`, evil), 421)
  assert.is(await wsStatus(`/ws/${newToken()}`, evil), 421)
  assert.is(await wsStatus('/ws/desktop', evil), 421)
  assert.is(await status('/healthz', { host: 'interviews.example.test' }), 200)
  assert.is(await status('/healthz', { host: `localhost:${port}` }), 200)
  assert.is(await wsStatus('/ws/desktop', { host: 'interviews.example.test', origin: PUBLIC_URL }), 101)
})

test('huge frames before authentication close the socket, and the gateway stays small', async () => {
  const before = memoryKb('VmRSS')
  const frame = Buffer.alloc(1024 * 1024)
  const header = Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0x06, 0x40, 0, 0, 0, 0, 0, 0]) // binary, masked (key 0), 100 MiB
  const socket = connect(port, '127.0.0.1')
  let closed = false
  socket.on('error', () => undefined)
  socket.on('close', () => (closed = true))
  socket.write(
    `GET /ws/desktop HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  )
  const started = Date.now()
  for (let i = 0; i < 10 && !closed; i++) {
    socket.write(header)
    for (let mb = 0; mb < 100 && !closed; mb++) {
      if (!socket.write(frame)) await new Promise((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)))
    }
  }
  for (let i = 0; i < 50 && !closed; i++) await sleep(100)
  assert.ok(closed, 'the gateway read 1000 MiB of unauthenticated frames without closing')
  assert.ok(Date.now() - started < 5000, `closing took ${Date.now() - started} ms`)
  const grown = (memoryKb('VmHWM') - before) / 1024
  assert.ok(grown < 48, `the gateway grew by ${grown.toFixed(0)} MiB`)
  assert.ok(alive())
})

test('a wrong desktop password in a small first message is still refused (4003) at once', async () => {
  const started = Date.now()
  const code = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/desktop`, { headers: { origin: url } })
    socket.on('open', () => socket.send(JSON.stringify({ password: 'aaaaa-bbbbb-ccccc-ddddd' })))
    socket.on('close', (closeCode) => resolve(closeCode))
    socket.on('error', () => resolve(-1))
  })
  assert.is(code, 4003)
  assert.ok(Date.now() - started < 3000, `the close took ${Date.now() - started} ms`)
})

test('behind a trusted proxy, a brute-forcer is limited by its own address, and others behind the proxy are not', async () => {
  const from = (address: string) => ({ host: `127.0.0.1:${port}`, 'x-forwarded-for': address })
  for (let i = 0; i < 10; i++) assert.is(await status(`/i/${newToken()}`, from('198.51.100.1')), 403)
  assert.is(await status(`/i/${newToken()}`, from('198.51.100.1')), 429)
  assert.is(
    await status(`/i/${newToken()}`, from('198.51.100.2, 198.51.100.1')),
    429,
    'a forged left-most X-Forwarded-For entry was believed',
  )
  assert.is(await status(`/i/${newToken()}`, from('198.51.100.2')), 403, 'another client behind the proxy was locked out')
})

test.run()
