import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseTaskMarkdown, readTaskFolder } from '../tasks.ts'
import { newTask, taskFiles } from '../new-task.ts'
import { listImages } from '../images.ts'
import { UserError } from '../errors.ts'

const GOOD = '---\ntitle: "Disk: full"\ndifficulty: medium\nminutes: 15\nskills: [filesystems]\ntools: [df, lsof]\n---\nThe disk is full.\n'

test('front matter and statement', () => {
  const info = parseTaskMarkdown(GOOD)
  assert.equal(info, { title: 'Disk: full', difficulty: 'medium', minutes: 15, skills: ['filesystems'], tools: ['df', 'lsof'], statement: 'The disk is full.' })
})

test('bad front matter names the file and the field', () => {
  const cases: [string, RegExp][] = [
    ['The disk is full.', /x\/task\.md has no front matter/],
    ['---\ntitle: Disk: full\n---\nx', /x\/task\.md has bad front matter/],
    [GOOD.replace('difficulty: medium', 'difficulty: brutal'), /"difficulty" must be one of easy, medium, hard/],
    [GOOD.replace('minutes: 15', 'minutes: soon'), /"minutes" must be a number/],
    [GOOD.replace('tools: [df, lsof]', 'tools: df'), /"tools" must be a list/],
    [GOOD.replace('title: "Disk: full"\n', ''), /"title" is missing/],
    [GOOD.replace('The disk is full.\n', ''), /statement .* is empty/],
  ]
  for (const [text, message] of cases) {
    assert.throws(() => parseTaskMarkdown(text, 'x/task.md'), (e: unknown) => e instanceof UserError && message.test(e.message), String(message))
  }
})

function scaffold(): string {
  const root = mkdtempSync(join(tmpdir(), 'task-test-'))
  return newTask('demo', root)
}

test('a scaffolded task reads back: statement, hints in order', () => {
  const folder = readTaskFolder(scaffold())
  assert.is(folder.info.difficulty, 'easy')
  assert.is(folder.hints.length, 2)
})

test('a scaffolded task is an Nx project built from base, tested by the generic suite', () => {
  const project = JSON.parse(taskFiles('demo')['project.json']!)
  assert.equal(project.implicitDependencies, ['base'])
  assert.match(project.targets.test.command, 'TASK=demo bats')
  assert.match(taskFiles('demo')['.dockerignore']!, /^solution$/m)
})

test('a malformed folder fails with the file named', () => {
  let dir = scaffold()
  rmSync(join(dir, 'check'))
  assert.throws(() => readTaskFolder(dir), /demo\/check is missing/)
  dir = scaffold()
  chmodSync(join(dir, 'check'), 0o644)
  assert.throws(() => readTaskFolder(dir), /demo\/check is not executable/)
  dir = scaffold()
  writeFileSync(join(dir, '.dockerignore'), 'project.json\n')
  assert.throws(() => readTaskFolder(dir), /\.dockerignore does not list "solution"/)
  dir = scaffold()
  mkdirSync(join(dir, 'faults/firewall'), { recursive: true })
  assert.throws(() => readTaskFolder(dir), /\.dockerignore does not list "faults"/)
  dir = scaffold()
  renameSync(join(dir, 'hints/2.md'), join(dir, 'hints/3.md'))
  assert.throws(() => readTaskFolder(dir), /hints\/3\.md is out of order/)
  dir = scaffold()
  rmSync(join(dir, 'task.md'))
  assert.throws(() => readTaskFolder(dir), /demo\/task\.md is missing/)
})

test('the scaffold never overwrites a task', () => {
  const dir = scaffold()
  assert.throws(() => newTask('demo', join(dir, '../../..')), /already exists/)
})

test('every task in this repository is well formed', () => {
  const tasks = listImages().filter((image) => image.kind === 'task')
  assert.ok(tasks.length >= 9)
  for (const task of tasks) readTaskFolder(task.dir)
})

test.run()
