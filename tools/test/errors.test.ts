import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CommandError, formatError, lastLines, UserError } from '../core/errors.ts'

test('a user error is an error line and a hint line, no stack', () => {
  assert.equal(formatError(new UserError('unknown task "x"', 'known: base')), ['error: unknown task "x"', 'hint: known: base'])
  assert.equal(formatError(new UserError('no hint')), ['error: no hint'])
})

test('--verbose adds the stack', () => {
  const lines = formatError(new UserError('x', 'y'), true)
  assert.is(lines.length, 3)
  assert.match(lines[2]!, /UserError: x/)
})

test('a failed command shows its exit code and last lines', () => {
  const output = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')
  const lines = formatError(new CommandError('docker build', 3, output, 'fix the Dockerfile'))
  assert.is(lines[0], 'error: docker build failed with exit code 3')
  assert.is(lines[1], '  | line 15')
  assert.is(lines.at(-2), '  | line 29')
  assert.is(lines.at(-1), 'hint: fix the Dockerfile')
})

test('a bug prints its stack', () => {
  const [line] = formatError(new TypeError('boom'))
  assert.match(line!, /^bug: TypeError: boom\n\s+at /)
})

test('lastLines drops blank lines', () => {
  assert.equal(lastLines('a\n\n b \n\n', 5), ['a', ' b'])
})

test.run()
