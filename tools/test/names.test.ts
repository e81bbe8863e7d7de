import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkInterviewName, containerName, interviewLabels, newInterviewName } from '../engine/names.ts'
import { UserError } from '../core/errors.ts'

test('accepts lower-case names with digits and dashes', () => {
  assert.is(checkInterviewName('alice-1'), 'alice-1')
  assert.is(checkInterviewName('a'), 'a')
})

test('refuses names Docker or DNS would choke on, with a hint', () => {
  for (const bad of ['', 'Alice', 'a_b', '-a', 'a-', 'a'.repeat(41), 'a b', 'x/y']) {
    try {
      checkInterviewName(bad)
      assert.unreachable(`accepted "${bad}"`)
    } catch (error) {
      assert.instance(error, UserError)
      assert.match((error as UserError).hint ?? '', /--name/)
    }
  }
})

test('new names are the task and 4 random characters, and valid', () => {
  const name = newInterviewName('base', () => Buffer.from([0, 1, 2, 3]))
  assert.is(name, 'base-abcd')
  const random = newInterviewName('disk-full')
  assert.match(random, /^disk-full-[a-z2-9]{4}$/)
  assert.is(checkInterviewName(random), random)
  assert.is.not(newInterviewName('disk-full'), newInterviewName('disk-full'))
  assert.ok(newInterviewName('a'.repeat(60)).length <= 40)
})

test('containers are prefixed and every resource is labelled', () => {
  assert.is(containerName('x'), 'ie-x')
  assert.equal(interviewLabels('x', 'base'), {
    'interview-env.managed': 'true',
    'interview-env.interview': 'x',
    'interview-env.task': 'base',
    'interview-env.role': 'interview',
  })
})

test.run()
