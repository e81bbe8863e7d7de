import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ed25519KeyLength, fingerprintOf, newKeyPair, parsePublicKey, readPublicKeys, writeKeyPair } from '../core/ssh-keys.ts'

const dir = mkdtempSync(join(tmpdir(), 'keys-test-'))

test('a generated key parses, with its comment and a SHA256 fingerprint', () => {
  const pair = newKeyPair('alice@laptop')
  const key = parsePublicKey(pair.publicKey)
  assert.ok(key)
  assert.is(key!.type, 'ssh-ed25519')
  assert.is(key!.comment, 'alice@laptop')
  assert.match(key!.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/)
  assert.is(key!.fingerprint, fingerprintOf(pair.publicKey.split(' ')[1]!))
})

test('every generated key has its 32 bytes and OpenSSH accepts it (ssh2 alone drops a leading zero byte now and then)', () => {
  // 1000 keys: with ssh2's 1-in-128 slip, a missing redraw would show up here with near certainty.
  const keys = Array.from({ length: 1000 }, () => newKeyPair('probe').publicKey)
  for (const key of keys) assert.is(ed25519KeyLength(key), 32, key)
  execFileSync('ssh-keygen', ['-lf', '-'], { input: keys.slice(0, 20).join('\n') + '\n' })
  assert.is(ed25519KeyLength('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAHztD2TVzO9KmFcuFtP4cADeHHpC3Rgrupoc6prp2RdI= slipped'), 31)
})

test('garbage is not a key', () => {
  for (const bad of ['', 'hello', 'ssh-ed25519', 'ssh-ed25519 not-base64!!', 'ssh-rsa AAAA']) assert.is(parsePublicKey(bad), undefined)
})

test('a key file: several keys and comments; errors for missing, invalid and private files', () => {
  const a = newKeyPair('a').publicKey
  const b = newKeyPair('b').publicKey
  writeFileSync(join(dir, 'two.pub'), `# team\n${a}\n\n${b}\n`)
  assert.equal(
    readPublicKeys(join(dir, 'two.pub')).map((k) => k.comment),
    ['a', 'b'],
  )
  assert.throws(() => readPublicKeys(join(dir, 'missing.pub')), /cannot read key file .*missing\.pub \(ENOENT\)/)
  writeFileSync(join(dir, 'bad.pub'), `${a}\nnot a key\n`)
  assert.throws(() => readPublicKeys(join(dir, 'bad.pub')), /is not an SSH public key \(line 2\)/)
  writeFileSync(join(dir, 'empty.pub'), '\n')
  assert.throws(() => readPublicKeys(join(dir, 'empty.pub')), /is not an SSH public key$/)
  writeFileSync(join(dir, 'id'), newKeyPair('c').privateKey)
  assert.throws(() => readPublicKeys(join(dir, 'id')), /is a private key/)
})

test('writeKeyPair writes a 600 private key and never overwrites', () => {
  const pair = writeKeyPair('candidate', join(dir, 'keys'))
  assert.is(statSync(pair.privateKey).mode & 0o777, 0o600)
  assert.ok(parsePublicKey(readFileSync(pair.publicKey, 'utf8')))
  assert.throws(() => writeKeyPair('candidate', join(dir, 'keys')), /already exists/)
  assert.throws(() => writeKeyPair('../escape', join(dir, 'keys')), /cannot name a key file/)
})

test.run()
