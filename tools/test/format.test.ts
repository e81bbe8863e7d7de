import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatAge, formatTable } from '../core/format.ts'

test('ages', () => {
  assert.is(formatAge(45_000), '45s')
  assert.is(formatAge(12 * 60_000), '12m')
  assert.is(formatAge(185 * 60_000), '3h05m')
  assert.is(formatAge(52 * 3600_000), '2d04h')
  assert.is(formatAge(-5), '0s')
})

test('tables pad columns to the widest cell', () => {
  assert.is(
    formatTable(
      ['NAME', 'AGE'],
      [
        ['base-abcd', '3m'],
        ['x', '10m'],
      ],
    ),
    'NAME       AGE\nbase-abcd  3m\nx          10m',
  )
})

test.run()
