// The web gateway is a door too: it writes each browser's join, leave and keys to the timeline
// before they reach the box, and an observer link's keys are written as ignored and never passed
// on. A real gateway, a real recorded interview; the sockets are driven with `ws`.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { sshArgs } from '../ssh-args.ts'
import { connectDocker } from '../../tools/engine/docker.ts'
import { runInterview } from '../../tools/interviews/start.ts'
import { stopInterviews } from '../../tools/interviews/stop.ts'
import { newKeyPair } from '../../tools/core/ssh-keys.ts'
import type { InterviewDetails } from '../../tools/interviews/card.ts'
import { startGateway, type Gateway } from '../../tools/web/gateway.ts'
import { sleep } from '../../tools/core/sleep.ts'

const name = `web-who-${process.pid}`
const dir = mkdtempSync(join(tmpdir(), 'web-who-'))
process.env.INTERVIEW_ENV_RECORDINGS = join(dir, 'recordings')
let gateway: Gateway
let interview: InterviewDetails

const ssh = (command: string) => execFileSync('ssh', [...sshArgs(join(dir, 'id'), interview.port), command], { encoding: 'utf8' })
const events = () =>
  existsSync(join(interview.recording!, 'events.jsonl'))
    ? readFileSync(join(interview.recording!, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    : []

async function open(link: string): Promise<WebSocket> {
  const socket = new WebSocket(link.replace(/^http/, 'ws').replace('/i/', '/ws/'), { headers: { origin: gateway.url } })
  await new Promise((resolve, reject) => socket.once('message', resolve).once('error', reject))
  return socket
}

async function until(what: string, ok: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) assert.unreachable(`${what}: ${JSON.stringify(events())}`)
    await sleep(100)
  }
}

test.before(async () => {
  const pair = newKeyPair('web-who')
  writeFileSync(join(dir, 'id'), pair.privateKey, { mode: 0o600 })
  writeFileSync(join(dir, 'id.pub'), pair.publicKey)
  gateway = await startGateway({ docker: await connectDocker(), port: 0 })
  interview = await runInterview('base', { name, keys: [join(dir, 'id.pub')], webGateway: gateway.url, log: () => {}, record: true })
})

test.after(async () => {
  await stopInterviews([name]).catch(() => undefined)
  await gateway?.close()
})

test("each browser's keys are on the timeline by its link's role; an observer's never reach the box", async () => {
  const candidate = await open(interview.web!.candidate)
  const observer = await open(interview.web!.observer)
  await sleep(1000)
  observer.send(Buffer.from('touch /tmp/observer-was-here\r'), { binary: true })
  candidate.send(Buffer.from('echo typed-in-the-browser\r'), { binary: true })
  await until('the candidate link typed', () =>
    events().some((e) => e.type === 'input' && e.by === 'web' && String(e.data).includes('typed-in-the-browser')),
  )
  await until('the observer link typed', () => events().some((e) => e.type === 'input' && e.who === 'browser (observer link)'))
  const typed = events().filter((e) => e.type === 'input')
  assert.ok(typed.some((e) => e.who === 'browser (candidate link)' && e.role === 'candidate' && !e.ignored))
  assert.ok(typed.some((e) => e.who === 'browser (observer link)' && e.role === 'observer' && e.ignored === 'read-only'))
  await sleep(1000)
  assert.is(ssh('ls /tmp/observer-was-here 2>/dev/null || echo absent').trim(), 'absent')
  // One join each, written by the gateway: the recorder does not count its clients again.
  const joins = events().filter((e) => e.type === 'join')
  assert.equal(joins.map((e) => `${e.who} ${e.by ?? 'box'}`).sort(), ['browser (candidate link) web', 'browser (observer link) web'])
  candidate.close()
  observer.close()
  await until('both browsers left', () => events().filter((e) => e.type === 'leave' && e.by === 'web').length === 2)
})

test.run()
