import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CATALOG_END, CATALOG_START, catalogRow, catalogStatus, checkCatalog, withCatalog, writeCatalog } from '../tasks/catalog.ts'
import { sizeCell, sizeIsCurrent } from '../tasks/task-sizes.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { newTask } from '../tasks/new-task.ts'
import { UserError } from '../core/errors.ts'

const info = {
  title: 'Pipes | tables',
  difficulty: 'easy' as const,
  minutes: 10,
  skills: ['a', 'b'],
  tools: ['ss'],
  variants: [],
  statement: 'x',
}

test("README.md's catalog is current with the tasks' task.md files (npx zx scripts/catalog.mjs --write)", () => {
  checkCatalog()
})

test('a row names the task in backquotes, escapes pipes, and says "-" for no variants and "?" for no measured size', () => {
  assert.is(catalogRow({ name: 'demo', info }), '| `demo` | Pipes \\| tables | easy | 10 | a, b | ss | - | ? |')
  assert.match(catalogRow({ name: 'demo', info: { ...info, variants: ['one', 'two'] } }), /\| one, two \| \? \|$/)
})

test("a task's size says what it is over: base, another image, and a multi-service task's services", () => {
  assert.is(sizeCell({ overParent: 3.2, parent: 'base' }), '+3.2 MiB')
  assert.is(sizeCell({ overParent: 0.1, parent: 'desktop', parentOverBase: 1557 }), '+0.1 MiB over desktop (+1557 MiB)')
  assert.is(sizeCell({ overParent: 95, parent: 'base', services: 533 }), '+95 MiB, services 533 MiB')
  assert.ok(sizeIsCurrent(100, 108) && sizeIsCurrent(2, 6), 'a rebuild differs by a few files')
  assert.not.ok(sizeIsCurrent(100, 120) || sizeIsCurrent(2, 9), 'a new package is not a rounding')
})

test('the table replaces only what lies between the markers; no markers is an error that says where they go', () => {
  const readme = `# x\n\n${CATALOG_START}\nold\n${CATALOG_END}\n\nafter\n`
  assert.is(withCatalog(readme, 'NEW'), '# x\n\nNEW\n\nafter\n')
  assert.throws(
    () => withCatalog('# x\n', 'NEW'),
    (e: unknown) => e instanceof UserError && /no catalog markers/.test(e.message) && e.hint!.includes(CATALOG_START),
  )
})

/** A copy of the repository's README and task folders, to scaffold into. */
function copyOfRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'catalog-test-'))
  cpSync(join(REPO_ROOT, 'README.md'), join(root, 'README.md'))
  cpSync(join(REPO_ROOT, 'images'), join(root, 'images'), { recursive: true, filter: (src) => !src.includes('/node_modules') })
  return root
}

test('a new task makes the catalog stale, naming it; --write lists it; a changed task.md is stale again', () => {
  const root = copyOfRepository()
  newTask('demo-task', root)
  assert.equal(catalogStatus(root).stale, ['demo-task'])
  assert.throws(() => checkCatalog(root), /catalog of tasks is out of date: demo-task/)
  assert.ok(writeCatalog(root))
  assert.not.ok(writeCatalog(root))
  assert.match(
    readFileSync(join(root, 'README.md'), 'utf8'),
    /^\| `demo-task` \| demo-task \| easy \| 5 \| files \| ls, cat \| - \| \? \|$/m,
  )
  const file = join(root, 'images/tasks/demo-task/task.md')
  writeFileSync(file, readFileSync(file, 'utf8').replace('minutes: 5', 'minutes: 7'))
  assert.equal(catalogStatus(root).stale, ['demo-task'])
})

test.run()
