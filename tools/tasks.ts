// Task folders (images/tasks/<name>): reading and checking them before a build.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { UserError } from './errors.ts'

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const

export interface TaskInfo {
  title: string
  difficulty: (typeof DIFFICULTIES)[number]
  minutes: number
  skills: string[]
  tools: string[]
  statement: string
}

export interface TaskFolder {
  dir: string
  info: TaskInfo
  hints: string[]
}

/** Splits `---` front matter from the body and checks every field; errors name the file. */
export function parseTaskMarkdown(text: string, file = 'task.md'): TaskInfo {
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text)
  if (!match) throw new UserError(`${file} has no front matter`, 'start it with --- lines holding title, difficulty, minutes, skills and tools (docs/writing-tasks.md)')
  let front: Record<string, unknown>
  try {
    front = parseYaml(match[1]!) ?? {}
  } catch (error) {
    throw new UserError(`${file} has bad front matter: ${(error as Error).message.split('\n')[0]}`, 'it must be YAML: `key: value` lines')
  }
  const fail = (why: string) => new UserError(`${file}: ${why}`, 'see docs/writing-tasks.md for the fields of the front matter')
  const list = (key: string) => {
    const value = front[key]
    if (!Array.isArray(value) || !value.length || !value.every((item) => typeof item === 'string')) throw fail(`"${key}" must be a list of words, e.g. [strace, lsof]`)
    return value as string[]
  }
  if (typeof front.title !== 'string' || !front.title.trim()) throw fail('"title" is missing')
  if (!DIFFICULTIES.includes(front.difficulty as TaskInfo['difficulty'])) throw fail(`"difficulty" must be one of ${DIFFICULTIES.join(', ')}`)
  if (typeof front.minutes !== 'number' || front.minutes < 1 || front.minutes > 120) throw fail('"minutes" must be a number of minutes, e.g. 15')
  const statement = match[2]!.trim()
  if (!statement) throw fail('the statement after the front matter is empty')
  return { title: front.title.trim(), difficulty: front.difficulty as TaskInfo['difficulty'], minutes: front.minutes, skills: list('skills'), tools: list('tools'), statement }
}

/** Reads and checks a task folder: statement, check, hints 1.md..N.md, solution kept out of the image. */
export function readTaskFolder(dir: string): TaskFolder {
  const file = (name: string) => join(dir, name)
  if (!existsSync(file('task.md'))) throw new UserError(`${file('task.md')} is missing`, 'every task needs a statement (npx zx scripts/new-task.mjs NAME makes a working one)')
  const info = parseTaskMarkdown(readFileSync(file('task.md'), 'utf8'), file('task.md'))
  for (const name of ['check', 'solution']) {
    if (!existsSync(file(name))) throw new UserError(`${file(name)} is missing`, `every task needs a ${name} (docs/writing-tasks.md)`)
  }
  if (!(statSync(file('check')).mode & 0o100)) throw new UserError(`${file('check')} is not executable`, `chmod +x ${file('check')}`)
  const ignored = existsSync(file('.dockerignore')) ? readFileSync(file('.dockerignore'), 'utf8').split('\n').map((l) => l.trim()) : []
  if (!ignored.includes('solution')) throw new UserError(`${file('.dockerignore')} does not list "solution"`, 'add a line `solution` so the reference solution never enters the image')
  if (existsSync(file('faults')) && !ignored.includes('faults')) {
    throw new UserError(`${file('.dockerignore')} does not list "faults"`, 'add a line `faults` so the library of faults (and their checks) never enters the image')
  }
  const hintsDir = file('hints')
  const hints = existsSync(hintsDir) ? readdirSync(hintsDir).filter((n) => n.endsWith('.md')).sort((a, b) => parseInt(a) - parseInt(b)) : []
  hints.forEach((name, i) => {
    if (name !== `${i + 1}.md`) throw new UserError(`${join(hintsDir, name)} is out of order`, 'name hints 1.md, 2.md, ... in the order they are revealed')
  })
  return { dir, info, hints: hints.map((name) => readFileSync(join(hintsDir, name), 'utf8').trim()) }
}

/** How many hints the task in `dir` has (hints/1.md...), or undefined without such a folder. */
export function taskHintCount(dir: string): number | undefined {
  const hints = join(dir, 'hints')
  if (!existsSync(join(dir, 'task.md'))) return undefined
  return existsSync(hints) ? readdirSync(hints).filter((name) => /^\d+\.md$/.test(name)).length : 0
}
