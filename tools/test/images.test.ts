import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildOrder, findImage, listImages } from '../images/list.ts'

function repo(tasks: Record<string, string[]>): string {
  const root = mkdtempSync(join(tmpdir(), 'images-test-'))
  mkdirSync(join(root, 'images/base'), { recursive: true })
  writeFileSync(join(root, 'images/base/Dockerfile'), 'FROM debian\n')
  for (const [name, deps] of Object.entries(tasks)) {
    const dir = join(root, 'images/tasks', name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'Dockerfile'), 'FROM interview-env/base\n')
    writeFileSync(join(dir, 'project.json'), JSON.stringify({ name, implicitDependencies: deps }))
  }
  mkdirSync(join(root, 'images/tasks/notes-only'))
  return root
}

test('lists the base and every task folder with a Dockerfile', () => {
  const images = listImages(repo({ 'disk-full': ['base'], hello: ['base'] }))
  assert.equal(
    images.map((i) => `${i.name}:${i.kind}:${i.tag}`),
    ['base:base:interview-env/base', 'disk-full:task:interview-env/disk-full', 'hello:task:interview-env/hello'],
  )
})

test('an unknown name lists the known ones', () => {
  const images = listImages(repo({ hello: ['base'] }))
  assert.throws(
    () => findImage('helo', images),
    (e: Error & { hint?: string }) => /unknown image or task "helo"/.test(e.message) && /known: base, hello/.test(e.hint ?? ''),
  )
})

test('build order puts dependencies first, once', () => {
  const images = listImages(repo({ a: ['base'], b: ['base', 'a'] }))
  assert.equal(
    buildOrder(['b', 'a'], images).map((i) => i.name),
    ['base', 'a', 'b'],
  )
})

test('a dependency circle is an error', () => {
  const images = listImages(repo({ a: ['b'], b: ['a'] }))
  assert.throws(() => buildOrder(['a'], images), /circle: a -> b -> a/)
})

test.run()
