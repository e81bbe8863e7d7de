import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OBSERVER_KEY_OPTIONS, parseAuthorizedKey } from '../live/authorized-keys.ts'
import { connectionCard, execPolicy } from '../interviews/card.ts'
import { newKeyPair } from '../core/ssh-keys.ts'
import { appendEvent } from '../recording/events.ts'
import { summaryMarkdown } from '../recording/summary.ts'
import { roleScript, roleScriptById } from '../web/client-role.ts'

const key = newKeyPair('carol').publicKey

test('an authorized_keys line is read with or without the options an observer key carries', () => {
  const plain = parseAuthorizedKey(key)
  assert.is(plain?.options, '')
  assert.is(plain?.key.comment, 'carol')
  const observer = parseAuthorizedKey(`${OBSERVER_KEY_OPTIONS} ${key}`)
  assert.is(observer?.options, 'restrict,pty,command="/usr/local/lib/interview/login"')
  assert.is(observer?.key.fingerprint, plain?.key.fingerprint)
  assert.is(parseAuthorizedKey('restrict,pty not-a-key'), undefined)
  assert.is(parseAuthorizedKey(''), undefined)
})

test('a role sets both tmux client flags, and toggles read-only only when it differs', () => {
  assert.equal(roleScript('/dev/pts/3', true), [
    'sh',
    '-c',
    'tmux refresh-client -t "$1" -f read-only,ignore-size; status=$?; /usr/local/lib/interview/feed-wake; exit $status',
    'role',
    '/dev/pts/3',
  ])
  const [, , script, , tty] = roleScript('/dev/pts/4', false)
  assert.is(tty, '/dev/pts/4')
  assert.match(script!, '-f !ignore-size')
  assert.match(script!, '= 0 ] || tmux switch-client -c "$1" -r')
})

test('the door finds its own client by the id it carries, started by Docker, then sets the same flags', () => {
  const [, , script, name, id] = roleScriptById('door-0a1b', false)
  assert.is(name, 'role')
  assert.is(id, 'door-0a1b')
  assert.match(script!, 'grep -lzxF -e "INTERVIEW_WEB_CLIENT=$1"')
  assert.match(script!, "'^PPid:[[:space:]]*0$'")
  assert.match(script!, 'set -- "$tty"')
  assert.match(script!, '= 0 ] || tmux switch-client -c "$1" -r')
  assert.match(roleScriptById('x', true)[2]!, 'tmux refresh-client -t "$1" -f read-only,ignore-size; status=$?')
})

test('the card states whether the candidate may run commands, scp and sftp', () => {
  assert.match(execPolicy(false), 'refused to the candidate (--no-exec)')
  assert.match(execPolicy(true), 'allowed, shown to everyone in the status line, and recorded')
  assert.match(execPolicy(undefined), 'allowed')
  const card = connectionCard({
    name: 'n',
    task: 'base',
    bind: '127.0.0.1',
    port: 2222,
    user: 'user',
    password: null,
    hostKeyFingerprint: 'SHA256:x',
    fullToolset: true,
    missingTools: [],
    limits: { memory: '1g', cpus: 1, pids: 512, disk: '4g' },
    exec: false,
  })
  assert.match(card, '--no-exec')
})

test('the summary lists commands run outside the shared terminal: ended with their status, unended as started, refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'summary-exec-'))
  appendEvent(dir, { t: 0, type: 'start', interview: 'i', task: 'base', startedMs: 0 })
  appendEvent(dir, { t: 5, type: 'exec', who: 'alice', role: 'candidate', login: '10', command: 'make | tee log' })
  appendEvent(dir, { t: 6, type: 'exec', who: 'alice', role: 'candidate', login: '10', command: 'make | tee log', status: 2 })
  appendEvent(dir, { t: 7, type: 'exec', who: 'alice', role: 'candidate', login: '11', command: ':(){ :|:& };:' })
  appendEvent(dir, { t: 8, type: 'exec', who: 'alice', role: 'candidate', login: '12', command: 'id', refused: 'run --no-exec' })
  const summary = summaryMarkdown(dir)
  assert.match(summary, '| 0:06 | alice | candidate | make \\| tee log | exit 2 |')
  assert.not.match(summary, '| 0:05 |')
  assert.match(summary, '| 0:07 | alice | candidate | :(){ :\\|:& };: | started |')
  assert.match(summary, '| 0:08 | alice | candidate | id | refused (--no-exec) |')
})

test.run()
