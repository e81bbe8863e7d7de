import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAlive, livePid, thisProcess } from '../recording/pid-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'pid-file-'))
const file = join(dir, 'x.pid')

test('a pid file of this process names it, with when it started', () => {
  assert.match(thisProcess(), new RegExp(`^${process.pid} [0-9]+$`))
  writeFileSync(file, thisProcess())
  assert.is(livePid(file), process.pid)
})

test('the same pid with another start time is another process (a restarted container reuses pids)', () => {
  const [pid, started] = thisProcess().split(' ')
  writeFileSync(file, `${pid} ${Number(started) + 1}`)
  assert.is(livePid(file), undefined)
})

test('a pid file with the pid alone (written by an older version) still names a live process', () => {
  writeFileSync(file, String(process.pid))
  assert.is(livePid(file), process.pid)
})

test('a dead pid, an empty file and a missing one name nothing', () => {
  writeFileSync(file, '999999999 1')
  assert.is(livePid(file), undefined)
  writeFileSync(file, '')
  assert.is(livePid(file), undefined)
  assert.is(livePid(join(dir, 'missing.pid')), undefined)
})

test('a live process that runs none of the scripts named is not the one', () => {
  writeFileSync(file, thisProcess())
  assert.is(livePid(file, ['scripts/record.mjs', 'scripts/serve.mjs']), undefined)
  assert.ok(isAlive(process.pid))
})

test.run()
