import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hashToken, looksLikeToken, newToken, newWebAccess, webLabel } from '../web/tokens.ts'
import { FailureLimiter } from '../web/rate-limit.ts'
import { attachCommand } from '../web/gateway.ts'

test('tokens are 256 random bits, URL-safe, and only their hashes are labelled', () => {
  const token = newToken()
  assert.ok(looksLikeToken(token))
  assert.is.not(newToken(), token)
  const access = newWebAccess('http://127.0.0.1:7681/')
  const candidate = access.links.candidate.split('/').pop()!
  const observer = access.links.observer.split('/').pop()!
  assert.match(access.links.candidate, /^http:\/\/127\.0\.0\.1:7681\/i\//)
  assert.is(access.labels[webLabel('candidate')], hashToken(candidate))
  assert.is(access.labels[webLabel('observer')], hashToken(observer))
  assert.not.ok(Object.values(access.labels).some((value) => value.includes(candidate) || value.includes(observer)))
})

test('malformed tokens are refused before any lookup', () => {
  for (const bad of ['', 'short', 'a'.repeat(44), '../../etc/passwd', newToken().replace(/./, '%')]) assert.not.ok(looksLikeToken(bad))
})

test('the limiter blocks an address after too many failures, until the window passes', () => {
  let now = 0
  const limiter = new FailureLimiter(3, 1000, () => now)
  for (let i = 0; i < 3; i++) {
    assert.not.ok(limiter.blocked('a'))
    limiter.fail('a')
  }
  assert.ok(limiter.blocked('a'))
  assert.not.ok(limiter.blocked('b'))
  now = 1001
  assert.not.ok(limiter.blocked('a'))
})

test('observers attach as read-only tmux clients; candidates join or create the session', () => {
  assert.equal(attachCommand('candidate'), ['tmux', '-u', 'new-session', '-A', '-s', 'interview'])
  assert.match(attachCommand('observer').join(' '), 'attach-session -r -t interview')
})

test.run()
