import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { accessOf, doorLabels, hashPassword, passwordMatches } from '../door/access.ts'
import { describeRequest, refusal } from '../door/command.ts'
import { claimNewKey, doorFingerprint, doorHostKey } from '../door/host-key.ts'
import { fingerprintOf, parsePublicKey, newKeyPair } from '../core/ssh-keys.ts'
import { LABEL } from '../engine/names.ts'
import type { Participant } from '../door/participant.ts'
import { INPUT_BUDGET, InputBudget } from '../recording/participant-timeline.ts'

test('a password is kept as a salted hash that only the password matches', () => {
  const stored = hashPassword('correct horse battery')
  assert.not.match(stored, 'correct horse')
  assert.ok(passwordMatches(stored, 'correct horse battery'))
  assert.not.ok(passwordMatches(stored, 'correct horse batterY'))
  assert.not.ok(passwordMatches(stored, ''))
  assert.is.not(hashPassword('same'), hashPassword('same'))
  assert.not.ok(passwordMatches(undefined, 'anything'))
  assert.not.ok(passwordMatches('scrypt$$', ''))
  assert.not.ok(passwordMatches('plain', 'plain'))
})

test("the door's labels give each key its role and name, and nothing for a key-only interview's password", () => {
  const key = (comment: string) => parsePublicKey(newKeyPair(comment).publicKey)!
  const [alice, bob, carol] = [key('alice@laptop'), key('bob'), key('')]
  const labels = doorLabels({
    password: null,
    keys: [alice],
    interviewers: [bob],
    observers: [carol],
    exec: false,
    address: '127.0.0.1:7622',
  })
  const access = accessOf(labels)!
  assert.is(access.password, undefined)
  assert.equal(
    access.keys.map(({ role, who }) => [role, who]),
    [
      ['candidate', 'alice@laptop'],
      ['interviewer', 'bob'],
      ['observer', carol.fingerprint],
    ],
  )
  assert.is(access.exec, false)
  assert.is(access.address, '127.0.0.1:7622')
  assert.ok(
    passwordMatches(
      accessOf(doorLabels({ password: 'pw-12345678', keys: [], interviewers: [], observers: [], exec: true, address: '-' }))!.password,
      'pw-12345678',
    ),
  )
})

test('an interview without the door label, or with a broken one, has no door', () => {
  assert.is(accessOf({}), undefined)
  assert.is(accessOf(undefined), undefined)
  assert.is(accessOf({ [LABEL.door]: '{not json' }), undefined)
})

test('observers may not run commands; the candidate only when the interview allows it', () => {
  const who = (role: Participant['role'], mayExec: boolean) => ({ role, mayExec }) as Participant
  assert.match(refusal(who('observer', false))!, 'observers only watch')
  assert.match(refusal(who('candidate', false))!, 'off in this interview')
  assert.is(refusal(who('candidate', true)), undefined)
  assert.is(refusal(who('interviewer', true)), undefined)
})

test('a request is named on one line for the timeline and the status line', () => {
  assert.is(describeRequest({ sftp: true }), 'sftp')
  assert.is(describeRequest({ command: '' }), 'a shell without a terminal')
  assert.is(describeRequest({ command: 'echo a\nrm -rf /\tx' }), 'echo a rm -rf / x')
  assert.is(describeRequest({ command: 'x'.repeat(1000) }).length, 300)
})

test("the door's host key is made once, private to its owner, and its fingerprint stays", () => {
  const dir = mkdtempSync(join(tmpdir(), 'door-'))
  const first = doorHostKey(dir)
  assert.is(statSync(join(dir, 'host_ed25519')).mode & 0o777, 0o600)
  assert.match(first.fingerprint, /^SHA256:/)
  assert.is(doorHostKey(dir).fingerprint, first.fingerprint)
  assert.is(doorFingerprint(dir), first.fingerprint)
})

test("a run that found no host key and lost the race to write one keeps the winner's key", () => {
  const dir = mkdtempSync(join(tmpdir(), 'door-'))
  const winner = doorHostKey(dir)
  claimNewKey(dir) // what a second run does when it looked just before the winner wrote its key
  assert.is(doorHostKey(dir).fingerprint, winner.fingerprint)
  const [, blob] = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').split(/\s+/)
  assert.is(fingerprintOf(blob ?? ''), winner.fingerprint, 'the .pub file holds the winning key')
  assert.equal(readdirSync(dir).sort(), ['host_ed25519', 'host_ed25519.pub'], 'no draft is left behind')
})

test("a session's input goes on the timeline up to a budget; past it, one warning, then nothing until it has room", () => {
  let now = 0
  const budget = new InputBudget(() => now)
  assert.is(budget.take(INPUT_BUDGET.chars - 1), 'record')
  assert.is(budget.take(1), 'record')
  assert.is(budget.take(1), 'warn')
  assert.is(budget.take(4096), 'drop')
  now += INPUT_BUDGET.seconds * 1000 + 1
  assert.is(budget.take(10), 'record')
  assert.is(budget.take(INPUT_BUDGET.chars), 'warn')
})

test.run()
