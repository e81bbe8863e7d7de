import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MINUTES, parseTaskMarkdown, pickVariant, readTaskFolder } from '../tasks/task-folder.ts'
import { newTask, taskFiles } from '../tasks/new-task.ts'
import { listImages } from '../images/list.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { UserError } from '../core/errors.ts'

const GOOD = '---\ntitle: "Disk: full"\ndifficulty: medium\nminutes: 15\nskills: [filesystems]\ntools: [df, lsof]\n---\nThe disk is full.\n'

test('front matter and statement', () => {
  const info = parseTaskMarkdown(GOOD)
  assert.equal(info, {
    title: 'Disk: full',
    difficulty: 'medium',
    minutes: 15,
    skills: ['filesystems'],
    tools: ['df', 'lsof'],
    variants: [],
    statement: 'The disk is full.',
  })
})

test('bad front matter names the file and the field', () => {
  const cases: [string, RegExp][] = [
    ['The disk is full.', /x\/task\.md has no front matter/],
    ['---\ntitle: Disk: full\n---\nx', /x\/task\.md has bad front matter/],
    [GOOD.replace('difficulty: medium', 'difficulty: brutal'), /"difficulty" must be one of easy, medium, hard/],
    [GOOD.replace('minutes: 15', 'minutes: soon'), /"minutes" must be a whole number of minutes from 5 to 60/],
    [GOOD.replace('minutes: 15', 'minutes: 120'), /"minutes" must be a whole number of minutes from 5 to 60/],
    [GOOD.replace('minutes: 15', 'minutes: 4'), /"minutes" must be a whole number/],
    [GOOD.replace('minutes: 15', 'minutes: 7.5'), /"minutes" must be a whole number/],
    [GOOD.replace('tools:', 'variants: [typo, Big One]\ntools:'), /"variants" must be a list of names of lower-case letters/],
    [GOOD.replace('tools:', 'variants: typo\ntools:'), /"variants" must be a list/],
    [GOOD.replace('tools:', 'variants: [typo]\ntools:'), /"variants" lists 1: a task with one way of being broken declares none/],
    [GOOD.replace('tools:', 'variants: [typo, typo]\ntools:'), /"variants" lists "typo" twice/],
    [GOOD.replace('tools: [df, lsof]', 'tools: df'), /"tools" must be a list/],
    [GOOD.replace('title: "Disk: full"\n', ''), /"title" is missing/],
    [GOOD.replace('The disk is full.\n', ''), /statement .* is empty/],
  ]
  for (const [text, message] of cases) {
    assert.throws(
      () => parseTaskMarkdown(text, 'x/task.md'),
      (e: unknown) => e instanceof UserError && message.test(e.message),
      String(message),
    )
  }
})

test('variants are read in order; `+` joins the faults of two machines', () => {
  const info = parseTaskMarkdown(GOOD.replace('tools:', 'variants: [nsswitch, typo, loopback+no-grant]\ntools:'))
  assert.equal(info.variants, ['nsswitch', 'typo', 'loopback+no-grant'])
})

test('the minutes range of the docs is the one of the code', () => {
  const docs = readFileSync(join(REPO_ROOT, 'docs/writing-tasks.md'), 'utf8')
  assert.match(docs, `${MINUTES.min} to ${MINUTES.max}`)
})

test('a variant is pinned when known, drawn among the declared ones when not asked, and none without variants', () => {
  const variants = ['nsswitch', 'typo', 'address']
  assert.is(pickVariant('dns', variants, 'typo'), 'typo')
  assert.is(
    pickVariant('dns', variants, undefined, (n) => n - 1),
    'address',
  )
  assert.is(pickVariant('hello', [], undefined), undefined)
  const drawn = new Set(Array.from({ length: 200 }, () => pickVariant('dns', variants)))
  assert.equal([...drawn].sort(), [...variants].sort())
})

test("an unknown variant names the task's variants on one line; --variant without variants says there are none", () => {
  assert.throws(
    () => pickVariant('dns', ['nsswitch', 'typo'], 'nsswich'),
    (e: unknown) => e instanceof UserError && e.message === 'dns has no variant "nsswich": its variants are nsswitch, typo',
  )
  assert.throws(
    () => pickVariant('hello', [], 'x'),
    (e: unknown) =>
      e instanceof UserError && e.message === 'hello has no variants, so --variant x cannot pin one' && /drop --variant/.test(e.hint!),
  )
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
  writeFileSync(join(dir, 'rubric.md'), '## Diagnosis\n1. guessed\n2. read the logs\n')
  assert.throws(() => readTaskFolder(dir), /\.dockerignore does not list "rubric\.md"/)
  writeFileSync(join(dir, '.dockerignore'), 'solution\nrubric.md\n')
  writeFileSync(join(dir, 'rubric.md'), '## Diagnosis\n1. guessed\n')
  assert.throws(() => readTaskFolder(dir), /"Diagnosis" has fewer than two levels/)
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
