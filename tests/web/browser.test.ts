// The browser terminal, in a real browser (Debian's chromium driven by playwright-core) against a
// real interview and the real OpenSSH client.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sshArgs } from '../ssh-args.ts'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../../tools/core/chromium.ts'
import { waitFor } from './wait-for.ts'
import WebSocket from 'ws'
import { connectDocker } from '../../tools/engine/docker.ts'
import { REPO_ROOT } from '../../tools/core/paths.ts'
import { runInterview } from '../../tools/interviews/start.ts'
import { stopInterviews } from '../../tools/interviews/stop.ts'
import { newKeyPair } from '../../tools/core/ssh-keys.ts'
import type { InterviewDetails } from '../../tools/interviews/card.ts'
import { startGateway, type Gateway } from '../../tools/web/gateway.ts'
import { FailureLimiter } from '../../tools/web/rate-limit.ts'
import { newToken } from '../../tools/web/tokens.ts'
import { sleep } from '../../tools/core/sleep.ts'

const name = `web-${process.pid}`
const keyDir = mkdtempSync(join(tmpdir(), 'web-test-'))
let gateway: Gateway
let interview: InterviewDetails
let browser: Browser
let candidate: Page
let observer: Page

const marker = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`

function ssh(...command: string[]): string {
  return execFileSync('ssh', [...sshArgs(join(keyDir, 'id'), interview.port), ...command], { encoding: 'utf8' })
}
/** What the shared session shows, with its recent history, as an SSH client sees it. */
const sharedScreen = () => ssh(`tmux capture-pane -p -J -t interview -S -200`)
const screenOf = (page: Page) => page.locator('.xterm-rows').innerText()

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 600 } })
  await page.goto(url)
  await page.waitForFunction(() => (window as unknown as { __interview: { connected: boolean } }).__interview?.connected)
  return page
}

async function typeIn(page: Page, text: string) {
  await page.locator('.xterm').click()
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

function wsStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: origin ? { origin } : {} })
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.on('open', () => {
      socket.close()
      resolve(101)
    })
    socket.on('error', () => resolve(-1))
  })
}
const wsUrl = (link: string) => link.replace(/^http/, 'ws').replace('/i/', '/ws/')

test.before(async () => {
  const pair = newKeyPair('web-test')
  writeFileSync(join(keyDir, 'id'), pair.privateKey, { mode: 0o600 })
  writeFileSync(join(keyDir, 'id.pub'), pair.publicKey)
  gateway = await startGateway({ docker: await connectDocker(), port: 0 })
  interview = await runInterview('base', { name, keys: [join(keyDir, 'id.pub')], webGateway: gateway.url, log: () => {} })
  browser = await launchChromium()
})

test.after(async () => {
  await browser?.close()
  await stopInterviews([name]).catch(() => undefined)
  await gateway?.close()
})

test('the card has a candidate link and an observer link, each with its own token', () => {
  assert.ok(interview.web)
  assert.match(interview.web!.candidate, new RegExp(`^${gateway.url}/i/[A-Za-z0-9_-]{43}$`))
  assert.is.not(interview.web!.candidate, interview.web!.observer)
})

test('in the candidate link, a typed command runs, and an SSH client sees its output', async () => {
  candidate = await openPage(interview.web!.candidate)
  const word = marker('web')
  await typeIn(candidate, `echo ${word} | tr a-z A-Z`)
  await waitFor('the output in the browser', async () => (await screenOf(candidate)).includes(word.toUpperCase()))
  await waitFor('the output over SSH', () => sharedScreen().includes(word.toUpperCase()))
})

test('what an interactive OpenSSH client types appears in the browser', async () => {
  const client: ChildProcessWithoutNullStreams = spawn('ssh', ['-tt', ...sshArgs(join(keyDir, 'id'), interview.port)])
  try {
    await sleep(1500)
    const word = marker('from-ssh')
    client.stdin.write(`echo ${word} | rev\r`)
    const reversed = [...word].reverse().join('')
    await waitFor('the SSH input in the browser', async () => (await screenOf(candidate)).includes(reversed))
  } finally {
    client.kill()
  }
})

test('the observer link shows the same session, and typing there changes nothing', async () => {
  observer = await openPage(interview.web!.observer)
  const word = marker('seen')
  await typeIn(candidate, `echo ${word}`)
  await waitFor('the output on the observer page', async () => (await screenOf(observer)).includes(word))
  const ignored = marker('observer-typed')
  await typeIn(observer, `echo ${ignored}`)
  await sleep(1000)
  assert.not.ok(sharedScreen().includes(ignored), 'the observer typed into the session')
  assert.is(await observer.evaluate(() => (window as unknown as { __interview: { role: string } }).__interview.role), 'observer')
})

test('a browser resize resizes its terminal in the session', async () => {
  await candidate.setViewportSize({ width: 700, height: 500 })
  await waitFor('a narrower client', () => {
    const widths = ssh(`tmux list-clients -F '#{client_width}'`).trim().split('\n').map(Number)
    return widths.some((w) => w > 20 && w < 80)
  })
  await candidate.setViewportSize({ width: 1000, height: 600 })
})

test('a bad, made-up or malformed token gets 403 for the page and the socket, and says nothing more', async () => {
  for (const token of [newToken(), 'short', newToken().replace(/./, '!')]) {
    const page = await fetch(`${gateway.url}/i/${encodeURIComponent(token)}`)
    assert.is(page.status, 403)
    assert.is(await page.text(), 'this link is not valid\n')
    assert.is(await wsStatus(`${wsUrl(gateway.url)}/ws/${token}`, gateway.url), 403)
  }
})

test('a socket from another origin is refused, even with a good token', async () => {
  assert.is(await wsStatus(wsUrl(interview.web!.candidate), 'http://evil.example'), 403)
  assert.is(await wsStatus(wsUrl(interview.web!.candidate)), 403)
  assert.is(await wsStatus(wsUrl(interview.web!.candidate), gateway.url), 101)
})

test('failed attempts are rate-limited', async () => {
  const strict = await startGateway({ docker: await connectDocker(), port: 0, limiter: new FailureLimiter(3, 60_000) })
  try {
    for (let i = 0; i < 3; i++) assert.is((await fetch(`${strict.url}/i/${newToken()}`)).status, 403)
    const good = interview.web!.candidate.replace(gateway.url, strict.url)
    assert.is((await fetch(good)).status, 429)
    assert.is(await wsStatus(wsUrl(good), strict.url), 429)
  } finally {
    await strict.close()
  }
})

test('with a certificate, the gateway serves HTTPS and WSS', async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(keyDir, 'key.pem'),
      '-out',
      join(keyDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
  const secure = await startGateway({
    docker: await connectDocker(),
    port: 0,
    tls: { cert: join(keyDir, 'cert.pem'), key: join(keyDir, 'key.pem') },
  })
  try {
    assert.match(secure.url, /^https:/)
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 800, height: 400 } })
    const page = await context.newPage()
    await page.goto(interview.web!.observer.replace(gateway.url, secure.url))
    await page.waitForFunction(() => (window as unknown as { __interview: { connected: boolean } }).__interview?.connected)
    assert.is(
      await page.evaluate(() => (window as unknown as { __interview: { socket: WebSocket } }).__interview.socket.url.slice(0, 6)),
      'wss://',
    )
    await context.close()
  } finally {
    await secure.close()
  }
})

test('after the socket is cut, the page reconnects to the same session', async () => {
  const before = marker('before-cut')
  await typeIn(candidate, `echo ${before}`)
  await waitFor('the output before the cut', async () => (await screenOf(candidate)).includes(before))
  gateway.dropConnections()
  await candidate.waitForFunction(() => {
    const state = (window as unknown as { __interview: { reconnects: number; connected: boolean } }).__interview
    return state.reconnects >= 1 && state.connected
  })
  const after = marker('after-cut')
  await typeIn(candidate, `echo ${after}`)
  await waitFor('the output after the reconnect', async () => (await screenOf(candidate)).includes(after))
  assert.ok((await screenOf(candidate)).includes(before), 'the earlier output is gone: not the same session')
})

test('after a reconnect the session is sized to the page again', async () => {
  const cols = await candidate.evaluate(() => Math.floor((document.querySelector('.xterm-screen') as HTMLElement).offsetWidth / 9))
  await waitFor('a client as wide as the page', () => {
    const widths = ssh(`tmux list-clients -F '#{client_width}'`).trim().split('\n').map(Number)
    return widths.some((w) => w > 90 && Math.abs(w - cols) < 15)
  })
})

test('a screenshot of the page for the README', async () => {
  await typeIn(candidate, 'clear; cat /etc/interview/rules-card.txt; uname -sr; ls /')
  await sleep(800)
  // UPDATE_SCREENSHOTS=1 refreshes the one the README shows.
  const path = process.env.UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs/web-terminal.png') : join(keyDir, 'web-terminal.png')
  await candidate.screenshot({ path })
  const png = readFileSync(path)
  assert.is(png.subarray(1, 4).toString(), 'PNG')
  assert.ok(png.length > 10_000, 'the screenshot is nearly empty')
})

test('stopping the interview revokes its links', async () => {
  await stopInterviews([name])
  await candidate.waitForFunction(() => document.getElementById('status')?.textContent === 'the interview has ended')
  assert.is((await fetch(interview.web!.candidate)).status, 403)
  assert.is(await wsStatus(wsUrl(interview.web!.candidate), gateway.url), 403)
})

test.run()
