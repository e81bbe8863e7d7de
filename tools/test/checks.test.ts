import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { verdict } from '../live/checks.ts'

test('OK needs exit 0 and OK as the first line', () => {
  assert.equal(verdict(0, 'OK\n'), { ok: true, message: 'OK' })
  assert.equal(verdict(0, '\n  OK  \n'), { ok: true, message: 'OK' })
  assert.is(verdict(1, 'OK\n').ok, false)
  assert.is(verdict(0, 'fine\n').ok, false)
})

test('NO keeps the reason', () => {
  assert.equal(verdict(1, 'NO: nginx is not listening\nmore'), { ok: false, message: 'NO: nginx is not listening' })
})

test('a time-out and a crash are NO, with what happened', () => {
  assert.equal(verdict(137, ''), { ok: false, message: 'NO: the check ran out of time' })
  assert.equal(verdict(2, 'syntax error'), { ok: false, message: 'NO: the check failed (exit 2)' })
})

test.run()
