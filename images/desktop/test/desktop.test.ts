// The shared desktop in a real browser (Debian's chromium driven by playwright-core) against a real
// desktop interview: TigerVNC in the container, noVNC through the web gateway.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import WebSocket from 'ws'
import { connectDocker, execIn } from '../../../tools/engine/docker.ts'
import { REPO_ROOT } from '../../../tools/core/paths.ts'
import { runInterview } from '../../../tools/interviews/start.ts'
import { stopInterviews } from '../../../tools/interviews/stop.ts'
import { interviewContainer } from '../../../tools/interviews/find.ts'
import type { InterviewDetails } from '../../../tools/interviews/card.ts'
import { startGateway, type Gateway } from '../../../tools/web/gateway.ts'
import { FailureLimiter } from '../../../tools/web/rate-limit.ts'
import { newPassword } from '../../../tools/core/passwords.ts'
import type Docker from 'dockerode'
import { hostRecorderPid } from '../../../tools/recording/host-recorder.ts'
import { recordingsRoot } from '../../../tools/recording/paths.ts'
import { LABEL } from '../../../tools/engine/names.ts'
import { readDesktopRecords } from '../../../tools/recording/desktop-recording.ts'
import { addInterviewer } from '../../../tools/cockpit/interviewers.ts'
import { cockpitApiFor } from '../../../tools/cockpit/serve.ts'

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const VIEWPORT = { width: 1280, height: 760 }
/** The image to test: the desktop itself, or a task built on it (DESKTOP_IMAGE=python-pairing). */
const image = process.env.DESKTOP_IMAGE ?? 'desktop'
const name = `${image}-${process.pid}`
let gateway: Gateway
let interview: InterviewDetails
let container: Docker.Container
let browser: Browser
let candidate: Page
let second: Page
let interviewerToken: string

const marker = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value as NonNullable<T>
    } catch (error) {
      last = error
    }
    await sleep(150)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
}

type DesktopState = { role: string | null; status: string; error: string | null }
const desktopState = (page: Page) => page.evaluate(() => (window as unknown as { __desktop: DesktopState }).__desktop)

/** Opens the desktop page and logs in by typing the password into its form. */
async function logIn(password: string): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT })
  await page.goto(`${gateway.url}/desktop`)
  await page.fill('#password', password)
  await page.click('button[type=submit]')
  return page
}

async function connected(page: Page): Promise<Page> {
  await waitFor('the desktop to connect', async () => (await desktopState(page)).status === 'connected')
  return page
}

/** The framebuffer as the browser received it (the canvas holds it unscaled), as a small summary. */
async function frame(page: Page, selector = '#screen canvas'): Promise<{ colors: number; hash: string; pixels: number[] }> {
  const data = await page.evaluate((selector) => {
    const canvas = document.querySelector(selector) as HTMLCanvasElement
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    // Every 4th pixel of every 4th row: enough to tell screens apart, small to carry.
    const sample: number[] = []
    for (let y = 0; y < canvas.height; y += 4) for (let x = 0; x < canvas.width; x += 4) sample.push(pixels[(y * canvas.width + x) * 4]! << 16 | pixels[(y * canvas.width + x) * 4 + 1]! << 8 | pixels[(y * canvas.width + x) * 4 + 2]!)
    return sample
  }, selector)
  return { colors: new Set(data).size, hash: createHash('sha256').update(Buffer.from(new Int32Array(data).buffer)).digest('hex'), pixels: data }
}
/** Sampled pixels that differ by more than lossy (JPEG) encoding does: each client gets its own encoding. */
const differing = (a: number[], b: number[]) =>
  a.reduce((count, value, i) => {
    const other = b[i] ?? -1
    const distance = Math.abs((value >> 16) - (other >> 16)) + Math.abs(((value >> 8) & 255) - ((other >> 8) & 255)) + Math.abs((value & 255) - (other & 255))
    return count + (distance > 60 ? 1 : 0)
  }, 0)

/** Clicks the desktop at framebuffer coordinates (the canvas is scaled to the window). */
async function clickAt(page: Page, x: number, y: number) {
  const box = (await page.locator('#screen canvas').boundingBox())!
  await page.mouse.click(box.x + (x / 1600) * box.width, box.y + (y / 900) * box.height)
}

async function typeLine(page: Page, text: string) {
  await page.keyboard.type(text, { delay: 15 })
  await page.keyboard.press('Enter')
}

const inContainer = async (command: string) => (await execIn(container, ['bash', '-c', command], { user: 'user' })).stdout

function wsClose(password: unknown): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/ws/desktop`, { headers: { origin: gateway.url } })
    socket.on('open', () => socket.send(JSON.stringify({ password })))
    socket.on('message', () => socket.close(1000))
    socket.on('close', (code) => resolve(code))
    socket.on('error', () => resolve(-1))
  })
}

// Recorded, so that file transfers have a timeline to be written to; in a folder of the test's own.
process.env.INTERVIEW_ENV_RECORDINGS ??= mkdtempSync(join(tmpdir(), 'desktop-test-recordings-'))

test.before(async () => {
  const docker = await connectDocker()
  // With the cockpit's API: the recorded desktop is replayed in the cockpit.
  const stateDir = mkdtempSync(join(tmpdir(), 'desktop-test-server-'))
  interviewerToken = addInterviewer('alice', stateDir)
  gateway = await startGateway({
    docker,
    port: 0,
    log: (line) => line.startsWith('error') && console.error(line),
    api: cockpitApiFor({ secure: false, bind: '127.0.0.1', stateDir }),
  })
  interview = await runInterview(image, { name, gateway: async () => gateway.url, log: () => {}, record: true })
  container = await interviewContainer(docker, name)
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
})

test.after(async () => {
  await browser?.close()
  await stopInterviews([name]).catch(() => undefined)
  await gateway?.close()
  const recorder = hostRecorderPid(recordingsRoot())
  if (recorder !== undefined) process.kill(recorder)
})

test('the card gives the desktop URL, a candidate password and a separate observer password', () => {
  const desktop = interview.desktop!
  assert.ok(desktop, 'a desktop interview has desktop details')
  assert.is(desktop.url, `${gateway.url}/desktop`)
  assert.match(desktop.password, /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/)
  assert.is.not(desktop.password, desktop.observerPassword)
  assert.is(desktop.link, `${desktop.url}#${desktop.password}`)
  assert.is(interview.limits.memory, '4g', 'a desktop gets the desktop limits')
})

test('VNC, Jupyter and the editor listen only inside the container; only SSH is published', async () => {
  const listening = await inContainer("ss -Hltn | awk '{print $4}'")
  for (const port of ['5901', '8888', '8080']) {
    const lines = listening.split('\n').filter((line) => line.endsWith(`:${port}`))
    assert.ok(lines.length > 0, `something listens on ${port}: ${listening}`)
    for (const line of lines) assert.match(line, /^(127\.0\.0\.1|\[::1\]):/, `${port} is bound to loopback only: ${line}`)
  }
  const published = Object.keys((await container.inspect()).NetworkSettings.Ports ?? {})
  assert.equal(published, ['22/tcp'])
})

test('logging in with the password shows the desktop (panel, editor), and a screenshot is kept', async () => {
  candidate = await connected(await logIn(interview.desktop!.password))
  await sleep(4000) // the editor finishes drawing
  assert.is((await desktopState(candidate)).role, 'candidate')
  assert.not.match(candidate.url(), /#/, 'the password does not stay in the address bar')
  // A drawn desktop, not a black or empty frame: many colours.
  const shown = await waitFor('a drawn desktop', async () => ((await frame(candidate)).colors > 50 ? frame(candidate) : undefined), 30_000)
  assert.ok(shown.colors > 50, `the desktop has ${shown.colors} colours`)
  assert.match(await inContainer('DISPLAY=:1 xprop -root _NET_ACTIVE_WINDOW'), /window id/)
  const shot = await candidate.screenshot()
  if (process.env.UPDATE_SCREENSHOTS === '1') writeFileSync(join(REPO_ROOT, `docs/${image}.png`), shot)
})

test('what one browser types on the desktop, a second browser sees', async () => {
  // A terminal over the whole screen, in front of the editor: clicks anywhere land in it.
  await inContainer('DISPLAY=:1 setsid xfce4-terminal --disable-server --maximize --title=pairing >/dev/null 2>&1 &')
  await waitFor('the terminal window', async () => (await inContainer('DISPLAY=:1 xwininfo -name pairing 2>/dev/null')).includes('Map State: IsViewable'))
  second = await connected(await logIn(interview.desktop!.password))
  await sleep(1500)
  const before = await frame(second)
  const typed = marker('typed-in-browser-one')
  await clickAt(candidate, 400, 300)
  await typeLine(candidate, `echo ${typed} | tee /tmp/typed; seq 100000 100030`)
  // The keystrokes reached the desktop's terminal...
  await waitFor('the typed command to run', async () => (await inContainer('cat /tmp/typed 2>/dev/null')).includes(typed))
  // ...and the second browser's picture changed to show the same screen as the first one.
  const seen = await waitFor('the second browser to show the first one\'s screen', async () => {
    const [one, two] = [await frame(candidate), await frame(second)]
    return differing(one.pixels, two.pixels) < one.pixels.length * 0.002 ? two : undefined
  })
  assert.ok(differing(before.pixels, seen.pixels) > 500, 'the second browser\'s screen changed')
  writeFileSync(join(process.env.TMPDIR ?? '/tmp', `${name}-second-browser.png`), await second.screenshot())
  // And the second browser can type too: both control the one desktop.
  const typedToo = marker('typed-in-browser-two')
  await clickAt(second, 400, 300)
  await typeLine(second, `echo ${typedToo} | tee /tmp/typed-too`)
  await waitFor('the second browser\'s command to run', async () => (await inContainer('cat /tmp/typed-too 2>/dev/null')).includes(typedToo))
  await second.close()
})

test('an observer sees the desktop but cannot type, even with noVNC\'s view-only switch turned off', async () => {
  const observer = await connected(await logIn(interview.desktop!.observerPassword))
  assert.is((await desktopState(observer)).role, 'observer')
  assert.ok((await frame(observer)).colors > 50, 'the observer sees the desktop')
  const typed = marker('typed-by-observer')
  await clickAt(observer, 400, 300)
  await typeLine(observer, `echo ${typed} > /tmp/observer`)
  // Turn the page's own guard off: the VNC server still takes no input on the view-only password.
  await observer.evaluate(() => { (window as unknown as { __desktop: { rfb: { viewOnly: boolean } } }).__desktop.rfb.viewOnly = false })
  await clickAt(observer, 400, 300)
  await typeLine(observer, `echo ${typed} > /tmp/observer`)
  await sleep(1500)
  assert.is(await inContainer('cat /tmp/observer 2>/dev/null'), '', 'nothing the observer typed arrived')
  // The candidate, at the same time, still can.
  const control = marker('typed-by-candidate')
  await clickAt(candidate, 400, 300)
  await typeLine(candidate, `echo ${control} > /tmp/control`)
  await waitFor('the candidate\'s command to run', async () => (await inContainer('cat /tmp/control 2>/dev/null')).includes(control))
  await observer.close()
})

test('a wrong password is refused: the page asks again, and the socket is closed with 4003', async () => {
  const page = await logIn(newPassword())
  await waitFor('the refusal', async () => (await desktopState(page)).error === 'wrong password, or the interview has ended')
  assert.is(await page.locator('#screen canvas').count(), 0, 'no desktop is shown')
  await page.close()
  assert.is(await wsClose('not-even-a-password'), 4003)
  assert.is(await wsClose(42), 4003)
  assert.is(await wsClose(interview.desktop!.password.toLowerCase()), 4003)
})

test('repeated wrong passwords from one address are locked out (4029), even the right one', async () => {
  const strict = await startGateway({ docker: await connectDocker(), port: 0, limiter: new FailureLimiter(3) })
  const close = (password: string) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(`${strict.url.replace(/^http/, 'ws')}/ws/desktop`, { headers: { origin: strict.url } })
      socket.on('open', () => socket.send(JSON.stringify({ password })))
      socket.on('message', () => socket.close(1000))
      socket.on('close', (code) => resolve(code))
    })
  try {
    for (let i = 0; i < 3; i++) assert.is(await close(newPassword()), 4003)
    assert.is(await close(interview.desktop!.password), 4029)
  } finally {
    await strict.close()
  }
})

/** The desktop's X clipboard, read (or set, by a Tk window that owns it for a minute) inside the box. */
const desktopClipboard = () => inContainer(`DISPLAY=:1 python3 -c 'import tkinter; r = tkinter.Tk(); r.withdraw(); print(r.clipboard_get(), end="")' 2>/dev/null`)
const setDesktopClipboard = (text: string) =>
  inContainer(
    `DISPLAY=:1 setsid python3 -c 'import sys, tkinter; r = tkinter.Tk(); r.withdraw(); r.clipboard_clear(); r.clipboard_append(sys.argv[1]); r.after(60000, r.destroy); r.mainloop()' ${JSON.stringify(text)} >/dev/null 2>&1 &`,
  )
type Clipboarded = { clipboard: string | null; rfb: { viewOnly: boolean; clipboardPasteFrom(text: string): void } }
const pageClipboard = (page: Page) => page.evaluate(() => (window as unknown as { __desktop: Clipboarded }).__desktop.clipboard)

test('the clipboard goes both ways for a password that can type, and not at all for an observer', async () => {
  await candidate.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url })
  const observer = await connected(await logIn(interview.desktop!.observerPassword))
  await observer.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url })
  assert.ok(await candidate.isVisible('#show-clipboard'), 'the candidate has the clipboard panel')
  assert.not.ok(await observer.isVisible('#show-clipboard'), 'an observer has none')

  // Copied on the desktop: the typing browser's panel shows it, and it goes into the browser's own
  // clipboard when asked (never by itself: the box could plant a command to be pasted elsewhere).
  const copied = marker('copied-on-the-desktop')
  await candidate.bringToFront()
  await candidate.evaluate(() => navigator.clipboard.writeText('untouched'))
  await setDesktopClipboard(copied)
  await waitFor('the desktop clipboard in the browser', async () => (await pageClipboard(candidate)) === copied)
  await candidate.click('#show-clipboard')
  assert.is(await candidate.inputValue('#clip'), copied)
  assert.is(await candidate.evaluate(() => navigator.clipboard.readText()), 'untouched', "the browser's clipboard is not written unasked")
  await candidate.click('#copy-clipboard')
  await waitFor("the browser's own clipboard", () => candidate.evaluate(() => navigator.clipboard.readText()).then((text) => text === copied))

  // Copied in the browser: sent with "send my clipboard"; typed into the panel: sent as typed.
  const fromBrowser = marker('copied-in-the-browser')
  await candidate.evaluate((text) => navigator.clipboard.writeText(text), fromBrowser)
  await candidate.click('#send-clipboard')
  await waitFor("the browser's clipboard on the desktop", async () => (await desktopClipboard()) === fromBrowser)
  const typed = marker('typed-into-the-panel')
  await candidate.fill('#clip', typed)
  await waitFor("the panel's text on the desktop", async () => (await desktopClipboard()) === typed)

  // The observer got nothing of it, and what it sends (with the page's guard turned off) is ignored.
  assert.is(await pageClipboard(observer), null, 'no clipboard reached the observer')
  await observer.evaluate(() => {
    const { rfb } = (window as unknown as { __desktop: Clipboarded }).__desktop
    rfb.viewOnly = false
    rfb.clipboardPasteFrom('sent-by-an-observer')
  })
  await sleep(1500)
  assert.is(await desktopClipboard(), typed, "the observer's text never reached the desktop")
  assert.is(await pageClipboard(observer), null)
  await observer.close()
})

/** The interview's timeline, as the gateway and recorder wrote it. */
async function timeline(): Promise<Record<string, unknown>[]> {
  const dir = (await container.inspect()).Config.Labels[LABEL.recording]!
  return readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line))
}

/** A request to the gateway's files with a password: its status and body. */
function filesRequest(path: string, password: string, options: { method?: string; length?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'x-desktop-password': password }
    if (options.length !== undefined) headers['content-length'] = String(options.length)
    // A path as given: a URL would resolve %2e%2e before it is sent.
    const { hostname, port } = new URL(gateway.url)
    const req = request({ hostname, port, path, method: options.method ?? 'GET', headers }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', (error) => reject(new Error(`${options.method ?? 'GET'} ${path}: ${error.message}`)))
    req.end()
  })
}

test('files go up to ~/work and down from it in the desktop page, each on the timeline', async () => {
  await candidate.click('#show-files')
  // Up: a file chosen in the page lands in ~/work, whole, under its own name.
  const content = `id,total\n${marker('row')},42\n`
  const uploaded = 'orders (export) é.csv'
  await candidate.setInputFiles('#upload', { name: uploaded, mimeType: 'text/csv', buffer: Buffer.from(content) })
  await waitFor('the uploaded file in ~/work', async () => (await inContainer(`cat ~/work/${JSON.stringify(uploaded)} 2>/dev/null`)) === content)
  assert.is(await inContainer(`stat -c %U ~/work/${JSON.stringify(uploaded)}`), 'user\n')
  assert.is(await inContainer('ls -A ~/work | grep -c "^\\.upload-" || true'), '0\n', 'no partial file is left')
  // Down: a file the candidate wrote is listed, and the Download button gives it.
  const result = `${marker('result')}\n`.repeat(1000)
  await inContainer(`echo ${Buffer.from(result).toString('base64')} | base64 -d > ~/work/result.txt`)
  await candidate.click('#show-files')
  await candidate.click('#show-files')
  await waitFor('result.txt in the list', () => candidate.isVisible('#file-list button[data-name="result.txt"]'))
  const [download] = await Promise.all([candidate.waitForEvent('download'), candidate.click('#file-list button[data-name="result.txt"]')])
  assert.is(download.suggestedFilename(), 'result.txt')
  assert.is(readFileSync((await download.path())!, 'utf8'), result)
  // Both on the timeline, written by the gateway.
  const files = await waitFor('both transfers on the timeline', async () => {
    const found = (await timeline()).filter((event) => event.type === 'file')
    return found.length >= 2 ? found : undefined
  })
  assert.equal(
    files.map(({ direction, name, bytes, by }) => ({ direction, name, bytes, by })),
    [
      { direction: 'upload', name: uploaded, bytes: Buffer.byteLength(content), by: 'gateway' },
      { direction: 'download', name: 'result.txt', bytes: result.length, by: 'gateway' },
    ],
  )
})

test('files refuse observers, wrong passwords, paths, and uploads over the limit', async () => {
  const { password, observerPassword } = interview.desktop!
  assert.is((await filesRequest('/desktop/files', observerPassword)).status, 403)
  assert.is((await filesRequest('/desktop/files/result.txt', observerPassword)).status, 403)
  assert.is((await filesRequest('/desktop/files/x.txt', observerPassword, { method: 'PUT', length: 0 })).status, 403)
  assert.is((await filesRequest('/desktop/files', newPassword())).status, 403)
  assert.is((await filesRequest('/desktop/files/%2e%2e', password)).status, 400)
  assert.is((await filesRequest('/desktop/files/a%2Fb', password)).status, 400)
  assert.is((await filesRequest('/desktop/files/a%0Ab', password)).status, 400)
  assert.is((await filesRequest('/desktop/files/missing.txt', password)).status, 404)
  const tooBig = await filesRequest('/desktop/files/big.bin', password, { method: 'PUT', length: 60 * 1024 * 1024 })
  assert.is(tooBig.status, 413, tooBig.body)
  assert.is(await inContainer('ls ~/work/big.bin 2>/dev/null || true'), '')
  const listed = JSON.parse((await filesRequest('/desktop/files', password)).body) as { files: { name: string }[] }
  assert.ok(listed.files.some((file) => file.name === 'result.txt'))
})

test('the desktop is recorded outside the box, and the cockpit replays it: a line typed in an editor is in the replayed frames', async () => {
  const dir = (await container.inspect()).Config.Labels[LABEL.recording]!
  const startedMs = Number((await timeline()).find((event) => event.type === 'start')!.startedMs)
  // Written by the host recorder beside the cast: a segment's handshake, then what the server sent.
  const records = readDesktopRecords(readFileSync(join(dir, 'desktop.rfb')))
  assert.is(records[0]?.kind, 0)
  assert.ok(records.length > 10, `${records.length} records`)
  // An editor (nano, in the desktop's terminal), and a line typed into it.
  await clickAt(candidate, 400, 300)
  await typeLine(candidate, 'nano /tmp/replayed.txt')
  await sleep(2000)
  const beforeMs = Date.now() - startedMs
  const line = marker('typed-in-the-editor').repeat(3)
  await typeLine(candidate, line)
  await sleep(2000)
  const live = await frame(candidate)
  const afterMs = Date.now() - startedMs
  await candidate.keyboard.press('Control+X')
  await candidate.keyboard.press('n')
  await sleep(1000)

  const cockpit = await browser.newPage({ viewport: VIEWPORT })
  await cockpit.goto(`${gateway.url}/`)
  await cockpit.fill('input[name=token]', interviewerToken)
  await cockpit.click('button[type=submit]')
  await cockpit.waitForSelector('header >> text=alice')
  await cockpit.goto(`${gateway.url}/#/replay/${name}`)
  await cockpit.waitForSelector('.desktop-screen canvas')
  const seek = (ms: number) => cockpit.evaluate((ms) => (window as unknown as { __desktopPlayer: { seek(ms: number): void } }).__desktopPlayer.seek(ms), ms)
  // At the moment after the line was typed, the replay shows what the browser showed.
  await seek(afterMs)
  const replayed = await waitFor('the replayed frame to match the live one', async () => {
    const shown = await frame(cockpit, '.desktop-screen canvas')
    return differing(live.pixels, shown.pixels) < live.pixels.length * 0.003 ? shown : undefined
  })
  // Before it was typed, it did not show it: the line is what differs.
  await seek(beforeMs)
  await sleep(500)
  const before = await frame(cockpit, '.desktop-screen canvas')
  assert.ok(differing(before.pixels, replayed.pixels) > 50, `the typed line changed the replayed frame (${differing(before.pixels, replayed.pixels)} samples)`)
  writeFileSync(join(process.env.TMPDIR ?? '/tmp', `${name}-replayed.png`), await cockpit.locator(".desktop-replay").screenshot())
  await cockpit.close()
})

test('stop ends the desktop: the password no longer opens anything', async () => {
  await stopInterviews([name])
  assert.is(await wsClose(interview.desktop!.password), 4003)
  assert.is(execFileSync('docker', ['ps', '-aq', '--filter', `label=interview-env.interview=${name}`], { encoding: 'utf8' }).trim(), '')
})

test.run()
