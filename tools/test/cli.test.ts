import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { scriptArguments } from '../core/cli.ts'

const script = 'file:///repo/scripts/run.mjs'

test('under zx, the arguments are those after the script', () => {
  assert.equal(
    scriptArguments(script, ['/usr/bin/node', '/repo/node_modules/zx/build/cli.js', '/repo/scripts/run.mjs', 'base', '--json']),
    ['base', '--json'],
  )
})

test('under node, the same', () => {
  assert.equal(scriptArguments(script, ['/usr/bin/node', '/repo/scripts/run.mjs', 'base']), ['base'])
})

test.run()
