// The web terminal's container-to-browser path carries no control string: a candidate who turns
// on tmux passthrough and the clipboard, then prints OSC 52, a title and a DCS, sends an
// observer's socket only the text around them. A real gateway, a real interview, the real
// OpenSSH client; the socket is read with `ws`, byte for byte, as the browser would get it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sshArgs } from '../ssh-args.ts'
import WebSocket from 'ws'
import { connectDocker } from '../../tools/engine/docker.ts'
import { runInterview } from '../../tools/interviews/start.ts'
import { stopInterviews } from '../../tools/interviews/stop.ts'
import { newKeyPair } from '../../tools/core/ssh-keys.ts'
import type { InterviewDetails } from '../../tools/interviews/card.ts'
import { startGateway, type Gateway } from '../../tools/web/gateway.ts'
import { sleep } from '../../tools/core/sleep.ts'

const name = `web-esc-${process.pid}`
const keyDir = mkdtempSync(join(tmpdir(), 'web-esc-'))
let gateway: Gateway
let interview: InterviewDetails

const ssh = (command: string) => execFileSync('ssh', [...sshArgs(join(keyDir, 'id'), interview.port), command], { encoding: 'utf8' })

test.before(async () => {
  const pair = newKeyPair('web-esc')
  writeFileSync(join(keyDir, 'id'), pair.privateKey, { mode: 0o600 })
  writeFileSync(join(keyDir, 'id.pub'), pair.publicKey)
  gateway = await startGateway({ docker: await connectDocker(), port: 0 })
  interview = await runInterview('base', { name, keys: [join(keyDir, 'id.pub')], webGateway: gateway.url, log: () => {}, record: false })
})

test.after(async () => {
  await stopInterviews([name]).catch(() => undefined)
  await gateway?.close()
})

test('OSC 52, a title and tmux passthrough typed in the box never reach an observer socket', async () => {
  const url = interview.web!.observer.replace(/^http/, 'ws').replace('/i/', '/ws/')
  const socket = new WebSocket(url, { headers: { origin: gateway.url } })
  const received: Buffer[] = []
  socket.on('message', (data, isBinary) => isBinary && received.push(data as Buffer))
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  await sleep(1000)
  const done = `after-${process.pid}`
  const attack = `printf '\\ePtmux;\\e\\e]52;c;ZXZpbA==\\a\\e\\\\'; printf '\\e]52;c;ZXZpbA==\\a'; printf '\\e]0;pwned\\a'; echo ${done.replace('-', '""-')}`
  ssh(`tmux set -g allow-passthrough on; tmux set -g set-clipboard on; tmux send-keys -t interview ${JSON.stringify(attack)} Enter`)
  const deadline = Date.now() + 10_000
  while (!Buffer.concat(received).includes(done) && Date.now() < deadline) await sleep(100)
  socket.close()
  const all = Buffer.concat(received).toString('latin1')
  assert.ok(all.includes(done), 'the output after the attack reached the socket')
  assert.not.ok(/\x1b[\]P^_X]/.test(all), `a control string reached the socket: ${JSON.stringify(all.match(/\x1b[\]P^_X].{0,20}/)?.[0])}`)
})

test.run()
