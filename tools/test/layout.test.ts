// The layout of tools/ stays true: folders only at the top, and imports that point one way
// (core <- engine <- tasks <- images <- interviews <- live <- cockpit <- bench; recording uses core and engine,
// web those and recording, door those and web, cluster core, engine and recording).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO_ROOT } from '../core/paths.ts'

const TOOLS = join(REPO_ROOT, 'tools')
/** Each folder may import from those before it in this list, and from itself. */
export const LAYERS = ['core', 'engine', 'tasks', 'images', 'interviews', 'live', 'cockpit', 'bench'] as const
/** Folders beside the layers: they import only these, and themselves. */
export const SIDE: Record<string, readonly string[]> = {
  recording: ['core', 'engine'],
  web: ['core', 'engine', 'recording'],
  door: ['core', 'engine', 'recording', 'web'],
  cluster: ['core', 'engine', 'recording'],
}
/** From this layer on, a folder may use the side folders (start starts the recorder, makes the web links). */
const USES_SIDE = LAYERS.indexOf('interviews')
/** Not library code: the unit tests import from anywhere. */
const NOT_LIBRARY = ['test']

/** Whether a file in folder `from` may import a file in folder `to`. */
export function mayImport(from: string, to: string): boolean {
  if (from === to) return true
  if (from in SIDE) return SIDE[from]!.includes(to)
  const own = LAYERS.indexOf(from as (typeof LAYERS)[number])
  if (own === -1) return false
  if (to in SIDE) return own >= USES_SIDE
  const their = LAYERS.indexOf(to as (typeof LAYERS)[number])
  return their !== -1 && their <= own
}

/** The relative module specifiers a source file imports (static, type-only and dynamic). */
export function importsOf(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm)
  return [...found].map((match) => match[2]!)
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : name.endsWith('.ts') ? [path] : []
  })
}

const folderOf = (file: string) => relative(TOOLS, file).split('/')[0]!

test('mayImport: one way down the layers, side folders on core and engine only', () => {
  assert.ok(mayImport('live', 'interviews'))
  assert.ok(mayImport('images', 'tasks'))
  assert.not.ok(mayImport('tasks', 'images'))
  assert.not.ok(mayImport('core', 'engine'))
  assert.ok(mayImport('interviews', 'recording'))
  assert.not.ok(mayImport('images', 'web'))
  assert.ok(mayImport('recording', 'engine'))
  assert.not.ok(mayImport('recording', 'tasks'))
  assert.not.ok(mayImport('web', 'images'))
  assert.ok(mayImport('web', 'recording'))
  assert.not.ok(mayImport('recording', 'web'))
  assert.ok(mayImport('door', 'web'))
  assert.not.ok(mayImport('door', 'interviews'))
  assert.ok(mayImport('interviews', 'door'))
})

test('importsOf reads static, type-only and dynamic imports', () => {
  const source =
    "import { a } from './a.ts'\nimport type { B } from '../b/b.ts'\nconst c = await import('../c.ts')\nimport './d.ts'\nimport x from 'node:fs'"
  assert.equal(importsOf(source), ['./a.ts', '../b/b.ts', '../c.ts', './d.ts'])
})

test('every import under tools/ points the right way', () => {
  const wrong: string[] = []
  for (const file of filesUnder(TOOLS)) {
    const from = folderOf(file)
    if (NOT_LIBRARY.includes(from)) continue
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec)
      const to = relative(TOOLS, target).startsWith('..') ? '(outside tools/)' : folderOf(target)
      if (!mayImport(from, to)) wrong.push(`${relative(TOOLS, file)} imports ${spec} (${from} -> ${to})`)
    }
  }
  assert.equal(wrong, [], `imports that point the wrong way:\n${wrong.join('\n')}`)
})

test('the top of tools/ holds folders only (and project.json, the Nx project of typecheck and unit)', () => {
  const files = readdirSync(TOOLS).filter((name) => !statSync(join(TOOLS, name)).isDirectory() && name !== 'project.json')
  assert.equal(files, [])
  const folders = readdirSync(TOOLS).filter((name) => statSync(join(TOOLS, name)).isDirectory())
  assert.equal(folders.sort(), [...LAYERS, ...Object.keys(SIDE), ...NOT_LIBRARY].sort())
})

test('every library file under tools/ starts with a comment saying its job', () => {
  const bare = filesUnder(TOOLS).filter(
    (file) => !NOT_LIBRARY.includes(folderOf(file)) && !/^(#!.*\n)?\/\/ \S/.test(readFileSync(file, 'utf8')),
  )
  assert.equal(
    bare.map((file) => relative(TOOLS, file)),
    [],
  )
})

test.run()
