import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fingerprintOf, newKeyPair, parsePublicKey, readPublicKeys, writeKeyPair } from '../keys.ts'

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

test('garbage is not a key', () => {
  for (const bad of ['', 'hello', 'ssh-ed25519', 'ssh-ed25519 not-base64!!', 'ssh-rsa AAAA']) assert.is(parsePublicKey(bad), undefined)
})

test('a key file: several keys and comments; errors for missing, invalid and private files', () => {
  const a = newKeyPair('a').publicKey
  const b = newKeyPair('b').publicKey
  writeFileSync(join(dir, 'two.pub'), `# team\n${a}\n\n${b}\n`)
  assert.equal(readPublicKeys(join(dir, 'two.pub')).map((k) => k.comment), ['a', 'b'])
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
