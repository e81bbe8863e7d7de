import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hashToken, looksLikeToken, newToken, newWebAccess, webLabel } from '../web/tokens.ts'
import { FailureLimiter } from '../web/rate-limit.ts'
import { attachCommand } from '../web/gateway.ts'
import { allowedHosts, clientAddress, hostAllowed, requestPath, trustedSet } from '../web/requests.ts'
import type { IncomingMessage } from 'node:http'

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
  assert.ok(limiter.blocked('a', newToken()), 'a blocked address got a lookup for a new token')
  assert.not.ok(limiter.blocked('b'))
  now = 1001
  assert.not.ok(limiter.blocked('a'))
})

test('the limiter: a token that opened an interview passes a blocked address; a failing one loses that', () => {
  const limiter = new FailureLimiter(3, 60_000, () => 0)
  const honest = newToken()
  limiter.succeed(honest)
  for (let i = 0; i < 5; i++) limiter.fail('proxy', newToken())
  assert.ok(limiter.blocked('proxy', newToken()))
  assert.not.ok(limiter.blocked('proxy', honest), 'an honest user behind the same address was locked out')
  limiter.fail('proxy', honest)
  assert.ok(limiter.blocked('proxy', honest), 'a token that stopped working still passes')
})

test('the limiter counts failures per token prefix too: spreading guesses over addresses does not help', () => {
  const limiter = new FailureLimiter(3, 60_000, () => 0)
  const known = newToken().slice(0, 20)
  const guess = () => known + newToken().slice(20)
  for (let i = 0; i < 3; i++) limiter.fail(`10.0.0.${i}`, guess())
  assert.ok(limiter.blocked('10.0.0.99', guess()), 'a guess at a known prefix from a new address was looked up')
  assert.not.ok(limiter.blocked('10.0.0.99', newToken()), 'an unrelated token from a clean address was blocked')
})

test('the limiter forgets the oldest keys past its bound', () => {
  const limiter = new FailureLimiter(1, 60_000, () => 0, 3600_000, 100)
  limiter.fail('first')
  for (let i = 0; i < 200; i++) limiter.fail(`other-${i}`)
  assert.not.ok(limiter.blocked('first'))
  assert.ok(limiter.blocked('other-199'))
})

test('request paths: only origin-form targets, and nothing throws', () => {
  assert.is(requestPath('/i/abc?x=1'), '/i/abc')
  assert.is(requestPath('/healthz'), '/healthz')
  for (const odd of [undefined, '', '//', '//evil.example/x', 'http://x/', '*', '%', 'i/abc', '/a b', '/\u00e9'])
    assert.is(requestPath(odd), undefined, String(odd))
  assert.is(requestPath('/' + 'a'.repeat(100_000)), '/' + 'a'.repeat(100_000))
})

test('hosts: the bound address and loopback names on its port, and the public URLs; nothing else', () => {
  const hosts = allowedHosts({ bind: '127.0.0.1', port: 7681, publicUrls: ['https://interviews.example.com'] })
  for (const good of [
    '127.0.0.1:7681',
    'localhost:7681',
    'LOCALHOST:7681',
    '[::1]:7681',
    'interviews.example.com',
    'interviews.example.com:443',
  ])
    assert.ok(hostAllowed(hosts, good), good)
  for (const bad of [undefined, '', 'evil.example', 'evil.example:7681', '127.0.0.1', '127.0.0.1:80', 'interviews.example.com:7681'])
    assert.not.ok(hostAllowed(hosts, bad), String(bad))
  assert.ok(hostAllowed(allowedHosts({ bind: '0.0.0.0', port: 80 }), '127.0.0.1'))
})

const request = (peer: string, forwarded?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as IncomingMessage

test('client address: X-Forwarded-For is believed only from a trusted proxy, and only its right-most hops', () => {
  const none = trustedSet()
  const proxy = trustedSet(['127.0.0.1', '10.0.0.2'])
  assert.is(clientAddress(request('203.0.113.9', '1.2.3.4'), none), '203.0.113.9')
  assert.is(clientAddress(request('::ffff:127.0.0.1', '198.51.100.7'), proxy), '198.51.100.7')
  assert.is(clientAddress(request('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.0.0.2'), proxy), '198.51.100.7')
  assert.is(clientAddress(request('127.0.0.1'), proxy), '127.0.0.1')
  assert.is(clientAddress(request('127.0.0.1', 'garbage'), proxy), '127.0.0.1')
})

test('observers attach as read-only tmux clients whose size is ignored; candidates join or create the session', () => {
  assert.match(attachCommand('candidate').join(' '), /; exec tmux -u new-session -A -s interview$/)
  assert.match(attachCommand('observer').join(' '), 'exec tmux -u attach-session -f read-only,ignore-size -t interview')
})

test.run()
