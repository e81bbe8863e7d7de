import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkStartRequest } from '../cockpit/interview-actions.ts'
import { checkInterviewerName } from '../cockpit/interviewers.ts'
import { SESSIONS_PER_NAME, Sessions, cookieValue, sessionCookie } from '../cockpit/sessions.ts'
import { UserError } from '../core/errors.ts'

test('a session lives its time, then is gone; removing an interviewer ends all of theirs', () => {
  let now = 0
  const sessions = new Sessions(1000, () => now)
  const a = sessions.create('alice')
  const b = sessions.create('alice')
  const c = sessions.create('bob')
  assert.is(sessions.get(a.id)?.name, 'alice')
  assert.is.not(a.session.csrf, b.session.csrf)
  sessions.dropAllOf('alice')
  assert.is(sessions.get(a.id), undefined)
  assert.is(sessions.get(b.id), undefined)
  assert.is(sessions.get(c.id)?.name, 'bob')
  now = 1000
  assert.is(sessions.get(c.id), undefined, 'expired')
  assert.is(sessions.get(undefined), undefined)
})

test('the session cookie is HttpOnly and SameSite=Strict, Secure over HTTPS; a Cookie header is read by name', () => {
  assert.is(sessionCookie('x', { secure: false, maxAgeSeconds: 60 }), 'ie_session=x; HttpOnly; SameSite=Strict; Path=/; Max-Age=60')
  assert.match(sessionCookie('x', { secure: true, maxAgeSeconds: 60 }), /; Secure$/)
  assert.is(cookieValue('a=1; ie_session=abc=; b=2', 'ie_session'), 'abc=')
  assert.is(cookieValue('ie_sessionx=1', 'ie_session'), undefined)
  assert.is(cookieValue(undefined, 'ie_session'), undefined)
})

test('a start request: its fields are checked before anything starts, and a bad one is named', () => {
  assert.equal(checkStartRequest({ task: 'hello', ttl: '45m', egress: 'none' }), {
    task: 'hello',
    ttl: '45m',
    variant: undefined,
    keys: undefined,
    egress: 'none',
    web: undefined,
  })
  const bad: [Record<string, unknown>, RegExp][] = [
    [{}, /"task" is missing/],
    [{ task: 1 }, /"task" is missing/],
    [{ task: 'hello', ttl: 45 }, /"ttl" must be a duration/],
    [{ task: 'hello', ttl: '5s' }, /too short/],
    [{ task: 'hello', keys: Array(21).fill('k') }, /up to 20/],
    [{ task: 'hello', web: 'yes' }, /"web" must be true or false/],
    [{ task: 'hello', name: 'x' }, /unknown field "name"/],
  ]
  for (const [body, reason] of bad)
    assert.throws(
      () => checkStartRequest(body),
      (e: unknown) => e instanceof UserError && reason.test(e.message),
    )
})

test('an interviewer name is what the timeline can show', () => {
  assert.is(checkInterviewerName('alice.smith'), 'alice.smith')
  for (const name of ['', '1alice', 'a b', 'a'.repeat(33), 'alice\u001b[31m', '../x'])
    assert.throws(() => checkInterviewerName(name), /not an interviewer name/)
  // The timeline's own names: a check "by candidate" is the candidate's, never an account's.
  for (const name of ['candidate', 'Interviewer', 'recorder'])
    assert.throws(() => checkInterviewerName(name), /names someone else on the timeline/)
})

test("signing in again and again ends one's own oldest session, not anyone else's", () => {
  const sessions = new Sessions()
  const bob = sessions.create('bob', 'h2')
  const first = sessions.create('alice', 'h1')
  for (let i = 1; i < SESSIONS_PER_NAME; i++) sessions.create('alice', 'h1')
  assert.is(sessions.get(first.id)?.name, 'alice')
  sessions.create('alice', 'h1')
  assert.is(sessions.get(first.id), undefined, "alice's oldest")
  assert.is(sessions.get(bob.id)?.tokenHash, 'h2', "bob's")
})

test.run()
