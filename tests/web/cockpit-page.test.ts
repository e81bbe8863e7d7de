// The cockpit's page in a real browser (Debian's chromium, playwright-core) against a real gateway,
// engine and front door: an interviewer signs in, starts `hello` from the form, a candidate logs in
// over real SSH with the card the page shows, and the interviewer watches, types, checks, applies a
// fault, switches a participant to watch, writes a note, ends the interview and replays it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import WebSocket from 'ws'
import { launchChromium } from '../../tools/core/chromium.ts'
import { REPO_ROOT } from '../../tools/core/paths.ts'
import { newKeyPair } from '../../tools/core/ssh-keys.ts'
import { cockpitTestDirs } from './cockpit-dirs.ts'
import { loudly, waitFor } from './wait-for.ts'
import { sleep } from '../../tools/core/sleep.ts'

const { dir, state, recordings, use } = cockpitTestDirs('cockpit-page-')

type Gateway = Awaited<ReturnType<typeof import('../../tools/web/gateway.ts').startGateway>>
let gateway: Gateway
let browser: Browser
let page: Page
let alice: string
let name = ''
let port = 0
let candidateWebLink = ''
const key = join(dir, 'id')
// COCKPIT_SCREENSHOTS=docs/images saves the README's screenshots of the live view and the replay.
const screenshot = async (file: string) => {
  if (!process.env.COCKPIT_SCREENSHOTS) return
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(REPO_ROOT, process.env.COCKPIT_SCREENSHOTS, file) })
}
const marker = (what: string) => `${what}-${Math.random().toString(36).slice(2, 8)}`

const sshOptions = () => [
  ...['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR', 'BatchMode=yes', 'IdentitiesOnly=yes'].flatMap((o) => [
    '-o',
    o,
  ]),
  '-i',
  key,
  '-p',
  String(port),
  `${name}@127.0.0.1`,
]
const ssh = (command: string) => execFileSync('ssh', [...sshOptions(), command], { encoding: 'utf8' })
// The candidate's interactive SSH client runs in a host-side tmux pane, as a person's terminal
// would (a real pty of 120x40: it sizes the shared window, as the cockpit's watcher does not).
const hostTmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', `cockpit-page-${process.pid}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const openCandidateTerminal = () =>
  hostTmux('new-session', '-d', '-s', 'candidate', '-x', '120', '-y', '40', ['ssh', '-tt', ...sshOptions()].join(' '))
const typeAsCandidate = (text: string) => {
  hostTmux('send-keys', '-t', 'candidate', '-l', text)
  hostTmux('send-keys', '-t', 'candidate', 'Enter')
}
const closeCandidateTerminal = () => {
  try {
    hostTmux('kill-server')
  } catch {
    /* none open */
  }
}
/** The shared session as an SSH client sees it. */
const sharedScreen = () => ssh('tmux capture-pane -p -J -t interview -S -200')
/** What the cockpit's terminal holds, scrollback included. */
const cockpitScreen = () =>
  page.evaluate(() => {
    const buffer = (window as unknown as { __cockpitTerminal: { buffer: { active: any } } }).__cockpitTerminal.buffer.active
    const lines: string[] = []
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '')
    return lines.join('\n')
  })
const details = async () => (await fetch(`${gateway.url}/api/interviews/${name}`, { headers: { authorization: `Bearer ${alice}` } })).json()

test.before(
  loudly(async () => {
    use()
    const { addInterviewer } = await import('../../tools/cockpit/interviewers.ts')
    const { startGateway } = await import('../../tools/web/gateway.ts')
    const { connectDocker } = await import('../../tools/engine/docker.ts')
    const { cockpitApiFor } = await import('../../tools/cockpit/serve.ts')
    alice = addInterviewer('alice', state)
    const pair = newKeyPair('candidate-laptop')
    writeFileSync(key, pair.privateKey, { mode: 0o600 })
    writeFileSync(`${key}.pub`, pair.publicKey)
    gateway = await startGateway({
      docker: await connectDocker(),
      port: 0,
      api: cockpitApiFor({ secure: false, bind: '127.0.0.1', stateDir: state }),
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    page.on('dialog', (dialog) => void dialog.accept())
  }),
)

test.after(async () => {
  closeCandidateTerminal()
  await browser?.close()
  if (name) {
    const { stopInterviews } = await import('../../tools/interviews/stop.ts')
    await stopInterviews([name]).catch(() => undefined)
  }
  await gateway?.close()
})

test('signing in: a wrong token is refused on the page, the right one shows who is signed in', async () => {
  await page.goto(`${gateway.url}/`)
  await page.fill('input[name=token]', 'not-a-token')
  await page.click('button[type=submit]')
  await page.waitForSelector('text=this token is not valid')
  await page.fill('input[name=token]', alice)
  await page.click('button[type=submit]')
  await page.waitForSelector('header >> text=alice')
  // A reload keeps the session (the cookie) and the page can still make changes (its CSRF token).
  await page.reload()
  await page.waitForSelector('header >> text=alice')
})

test('the start form starts hello, and the card it shows lets the candidate in over real SSH', async () => {
  await page.click('text=Start one')
  await page.selectOption('select[name=task]', 'hello')
  await page.waitForSelector('.task-info >> text=Fetch a secret without curl')
  assert.is(await page.inputValue('input[name=ttl]'), '10m', "the task's minutes are the default time limit")
  await page.fill('textarea[name=keys]', readFileSync(`${key}.pub`, 'utf8'))
  await page.click('button[type=submit]')
  const card = await page.waitForSelector('#candidate-card', { timeout: 90_000 }).then((element) => element.innerText())
  const join = /ssh -p (\d+) -o HostKeyAlias=\S+ (\S+)@127\.0\.0\.1/.exec(card)
  assert.ok(join, card)
  port = Number(join![1])
  name = join![2]!
  assert.not.match(card, /variant/i, "the candidate's card names no variant")
  candidateWebLink = /browser: +(\S+)/.exec(card)?.[1] ?? ''
  assert.match(candidateWebLink, /\/i\/[A-Za-z0-9_-]{43}$/)
  assert.match(ssh('echo in-the-$((6*7))-box'), /in-the-42-box/)
})

test("a candidate's web link token is no interviewer session: not for the API, not for the cockpit's terminal", async () => {
  const token = candidateWebLink.split('/').pop()!
  const api = await fetch(`${gateway.url}/api/interviews`, { headers: { authorization: `Bearer ${token}` } })
  assert.is(api.status, 401)
  const origin = gateway.url
  const status = (path: string, headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}${path}`, { headers: { origin, ...headers } })
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      socket.on('open', () => {
        socket.close()
        resolve(101)
      })
      socket.on('error', () => resolve(-1))
    })
  assert.is(await status(`/ws/cockpit/${name}/type`, {}), 403, 'anonymous')
  assert.is(await status(`/ws/cockpit/${name}/type`, { cookie: `ie_session=${token}` }), 403, "a link's token as a session")
  const cookies = await page.context().cookies()
  const session = cookies.find((c) => c.name === 'ie_session')!.value
  assert.is(
    await status(`/ws/cockpit/${name}/type`, { cookie: `ie_session=${session}`, origin: 'https://evil.example' }),
    403,
    'another origin',
  )
  assert.is(await status(`/ws/cockpit/${name}/watch`, { cookie: `ie_session=${session}` }), 101, "the interviewer's own session")
})

test('the cockpit watches the shared terminal read-only, and types only after the switch', async () => {
  await page.click('text=Open the interview')
  await page.waitForSelector('[data-status="watching (read-only)"]')
  openCandidateTerminal()
  // The SSH client is in once it is listed beside the cockpit's own watcher, and its shell has drawn a prompt.
  const sshIn = async () => ((await details()).people ?? []).some((p: { who: string }) => !p.who.includes('(cockpit)'))
  await waitFor('the candidate in the shared session', sshIn, 20_000)
  const word = marker('from-ssh')
  typeAsCandidate(`echo ${word} | rev`)
  const reversed = [...word].reverse().join('')
  await waitFor('what the candidate typed, in the cockpit', async () => (await cockpitScreen()).includes(reversed)).catch(async (error) => {
    throw new Error(`${error.message}; the cockpit shows:\n${await cockpitScreen()}\nthe session over SSH:\n${sharedScreen()}`)
  })

  const ignored = marker('watcher')
  await page.click('.terminal')
  await page.keyboard.type(`echo ${ignored}`)
  await page.keyboard.press('Enter')
  await sleep(1000)
  assert.not.ok(sharedScreen().includes(ignored), 'a watching interviewer typed into the shared terminal')

  await page.check('input[name=typing]')
  await page.waitForSelector('[data-status="typing"]')
  const typed = marker('cockpit')
  await page.click('.terminal')
  await page.keyboard.type(`echo ${typed} | tr a-z A-Z`)
  await page.keyboard.press('Enter')
  await waitFor('what the interviewer typed, over SSH', () => sharedScreen().includes(typed.toUpperCase()))
  await page.uncheck('input[name=typing]')
  await page.waitForSelector('[data-status="watching (read-only)"]')
})

test('"check now" says NO; the candidate solves it over SSH, and the check turns OK', async () => {
  await page.click('text=Check now')
  await page.waitForSelector('.last-check >> text=NO: /home/user/secret.txt is missing or empty')
  execFileSync('ssh', [...sshOptions(), 'bash -s'], { input: readFileSync(join(REPO_ROOT, 'images/tasks/hello/solution')) })
  await page.click('text=Check now')
  await page.waitForSelector('.last-check >> text=OK')
  await page.waitForSelector('.strip .cell.ok')
  assert.is(await page.locator('.strip .cell').count(), 2)
})

test('a fault applied from the page breaks the box, and the check says so', async () => {
  await page.click('button[data-fault="service-stopped"]')
  await page.waitForSelector('text=applied: service-stopped')
  assert.not.match(ssh('ss -Hltn'), /127\.0\.0\.1:7\d{3}/)
  await page.click('text=Check now')
  await page.waitForSelector('.last-check >> text=nothing listens on 127.0.0.1:7000-7999')
})

test('a participant switched to watch from the page can no longer type', async () => {
  // The row is found by its data-who, not its place: the list is drawn again as people come and go,
  // so a place can hold somebody else's row by the second click.
  const who = await waitFor('the SSH candidate in the list', async (): Promise<string | undefined> => {
    for (const person of await page.locator('.person').all()) {
      const name = await person.getAttribute('data-who')
      if (name && !name.includes('(cockpit)')) return name
    }
    return undefined
  }).then((found) => found!)
  const row = page.locator(`.person[data-who="${who}"]`)
  await row.locator('button').click()
  await waitFor('the switch', async () =>
    (await details()).people.some((p: { who: string; readonly: boolean }) => !p.who.includes('cockpit') && p.readonly),
  )
  const word = marker('after-switch')
  typeAsCandidate(`echo ${word}`)
  await sleep(1000)
  assert.not.ok(sharedScreen().includes(word), 'a participant switched to watch still typed')
  await row.locator('button', { hasText: 'let type' }).click()
  await waitFor('the switch back', async () =>
    (await details()).people.some((p: { who: string; readonly: boolean }) => !p.who.includes('cockpit') && !p.readonly),
  )
})

test('a note autosaves beside the recording, never in the box', async () => {
  const text = marker('goes to the logs first')
  await page.fill('.notes textarea', text)
  await page.waitForSelector('.note-status >> text=saved')
  const recording = join(recordings, name)
  assert.match(readFileSync(join(recording, 'notes.jsonl'), 'utf8'), new RegExp(`"by":"alice","text":"${text}"`))
  assert.is(ssh(`sudo grep -rl '${text}' /home /root /tmp /var /etc 2>/dev/null || true`), '', 'the note is in the box')
})

test("the task's scorecard is beside the notes: a level chosen is kept under the interviewer's name", async () => {
  await page.click('[data-criterion="HTTP by hand"] button[data-score="3"]')
  await page.waitForSelector('[data-criterion="HTTP by hand"] button.chosen[data-score="3"]')
  const scores = readFileSync(join(recordings, name, 'scores.jsonl'), 'utf8')
  assert.match(scores, /"by":"alice","criterion":"HTTP by hand","score":3/)
  await screenshot('cockpit-live.png')
})

test('"end interview" ends it, and the replay jumps to the check marker', async () => {
  closeCandidateTerminal()
  await page.click('text=End interview')
  await page.waitForSelector('.ended')
  assert.is((await details()).error, `no running interview named ${name}`)
  await page.click('text=Replay it')
  await page.waitForSelector('.ap-player, .ap-wrapper', { timeout: 15_000 })
  const label = page.locator('button[data-marker]', { hasText: 'check by alice: NO: /home/user/secret.txt' })
  await label.click()
  const events = readFileSync(join(recordings, name, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
  const check = events.find((e) => e.type === 'check')
  await waitFor('the player at the check', async () => {
    const now = Number(await page.locator('[data-now]').getAttribute('data-now'))
    return Math.abs(now - check.t) < 1.5
  })
  // One track per participant: the interviewer's typing under her name.
  await page.waitForSelector('.track[data-who="alice (cockpit)"] .burst')
  await screenshot('cockpit-replay.png')
  // The summary carries the scores.
  assert.match((await page.locator('pre.summary').textContent()) ?? '', /\| HTTP by hand \| 3 \|/)
})

test.run()
