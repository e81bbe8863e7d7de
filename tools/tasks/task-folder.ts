// Task folders (images/tasks/<name>): reading and checking them before a build.
import { randomInt } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { RUBRIC_FILE, readRubric } from './rubric.ts'

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const
/** The range of `minutes`: a fair time for a good candidate, within one interview slot. */
export const MINUTES = { min: 5, max: 60 } as const
/** A variant's name: lower-case words joined by dashes, or by `+` for a fault on each of two machines. */
const VARIANT = /^[a-z0-9]+(?:[-+][a-z0-9]+)*$/

export interface TaskInfo {
  title: string
  difficulty: (typeof DIFFICULTIES)[number]
  minutes: number
  skills: string[]
  tools: string[]
  /** The faults the start script can draw, by name (`run --variant NAME` pins one); empty when it draws none. */
  variants: string[]
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
  if (!match)
    throw new UserError(
      `${file} has no front matter`,
      'start it with --- lines holding title, difficulty, minutes, skills and tools (docs/writing-tasks.md)',
    )
  let front: Record<string, unknown>
  try {
    front = parseYaml(match[1]!) ?? {}
  } catch (error) {
    throw new UserError(`${file} has bad front matter: ${(error as Error).message.split('\n')[0]}`, 'it must be YAML: `key: value` lines')
  }
  const fail = (why: string) => new UserError(`${file}: ${why}`, 'see docs/writing-tasks.md for the fields of the front matter')
  const list = (key: string) => {
    const value = front[key]
    if (!Array.isArray(value) || !value.length || !value.every((item) => typeof item === 'string'))
      throw fail(`"${key}" must be a list of words, e.g. [strace, lsof]`)
    return value as string[]
  }
  if (typeof front.title !== 'string' || !front.title.trim()) throw fail('"title" is missing')
  if (!DIFFICULTIES.includes(front.difficulty as TaskInfo['difficulty']))
    throw fail(`"difficulty" must be one of ${DIFFICULTIES.join(', ')}`)
  if (!Number.isInteger(front.minutes) || (front.minutes as number) < MINUTES.min || (front.minutes as number) > MINUTES.max) {
    throw fail(`"minutes" must be a whole number of minutes from ${MINUTES.min} to ${MINUTES.max}, e.g. 15`)
  }
  const statement = match[2]!.trim()
  if (!statement) throw fail('the statement after the front matter is empty')
  return {
    title: front.title.trim(),
    difficulty: front.difficulty as TaskInfo['difficulty'],
    minutes: front.minutes as number,
    skills: list('skills'),
    tools: list('tools'),
    variants: variants(front.variants, fail),
    statement,
  }
}

/** The optional `variants:` list: distinct names, at least two (one variant is no choice: leave the field out). */
function variants(value: unknown, fail: (why: string) => UserError): string[] {
  if (value === undefined) return []
  const example = 'e.g. [nsswitch, typo, address]'
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && VARIANT.test(item))) {
    throw fail(`"variants" must be a list of names of lower-case letters, digits and dashes, ${example}`)
  }
  if (value.length < 2)
    throw fail(`"variants" lists ${value.length}: a task with one way of being broken declares none (leave the field out)`)
  const twice = value.find((item, i) => value.indexOf(item) !== i)
  if (twice) throw fail(`"variants" lists "${twice}" twice`)
  return value as string[]
}

/** The task folders of the repository at `root` (images/tasks/<name> with a Dockerfile), by name. */
export function listTaskDirs(root = REPO_ROOT): { name: string; dir: string }[] {
  const tasks = join(root, 'images/tasks')
  if (!existsSync(tasks)) return []
  return readdirSync(tasks)
    .sort()
    .filter((name) => !name.startsWith('.') && existsSync(join(tasks, name, 'Dockerfile')))
    .map((name) => ({ name, dir: join(tasks, name) }))
}

/** Reads and checks a task folder: statement, check, hints 1.md..N.md, solution kept out of the image. */
export function readTaskFolder(dir: string): TaskFolder {
  const file = (name: string) => join(dir, name)
  if (!existsSync(file('task.md')))
    throw new UserError(
      `${file('task.md')} is missing`,
      'every task needs a statement (npx zx scripts/new-task.mjs NAME makes a working one)',
    )
  const info = parseTaskMarkdown(readFileSync(file('task.md'), 'utf8'), file('task.md'))
  for (const name of ['check', 'solution']) {
    if (!existsSync(file(name))) throw new UserError(`${file(name)} is missing`, `every task needs a ${name} (docs/writing-tasks.md)`)
  }
  if (!(statSync(file('check')).mode & 0o100)) throw new UserError(`${file('check')} is not executable`, `chmod +x ${file('check')}`)
  const ignored = existsSync(file('.dockerignore'))
    ? readFileSync(file('.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
    : []
  if (!ignored.includes('solution'))
    throw new UserError(
      `${file('.dockerignore')} does not list "solution"`,
      'add a line `solution` so the reference solution never enters the image',
    )
  if (existsSync(file('faults')) && !ignored.includes('faults')) {
    throw new UserError(
      `${file('.dockerignore')} does not list "faults"`,
      'add a line `faults` so the library of faults (and their checks) never enters the image',
    )
  }
  if (existsSync(file(RUBRIC_FILE)) && !ignored.includes(RUBRIC_FILE)) {
    throw new UserError(
      `${file('.dockerignore')} does not list "${RUBRIC_FILE}"`,
      `add a line \`${RUBRIC_FILE}\` so the interviewers' scorecard never enters the image`,
    )
  }
  readRubric(dir)
  const hintsDir = file('hints')
  const hints = existsSync(hintsDir)
    ? readdirSync(hintsDir)
        .filter((n) => n.endsWith('.md'))
        .sort((a, b) => parseInt(a) - parseInt(b))
    : []
  hints.forEach((name, i) => {
    if (name !== `${i + 1}.md`)
      throw new UserError(`${join(hintsDir, name)} is out of order`, 'name hints 1.md, 2.md, ... in the order they are revealed')
  })
  return { dir, info, hints: hints.map((name) => readFileSync(join(hintsDir, name), 'utf8').trim()) }
}

/**
 * The variant an interview of `task` runs: the one asked for, checked against the task's, else one
 * drawn at random among them; none for a task without variants.
 */
export function pickVariant(
  task: string,
  variants: string[],
  wanted?: string,
  draw: (n: number) => number = randomInt,
): string | undefined {
  if (wanted === undefined) return variants.length ? variants[draw(variants.length)] : undefined
  if (!variants.length) {
    throw new UserError(
      `${task} has no variants, so --variant ${wanted} cannot pin one`,
      `drop --variant: every interview of ${task} is broken the same way`,
    )
  }
  if (!variants.includes(wanted)) {
    throw new UserError(
      `${task} has no variant "${wanted}": its variants are ${variants.join(', ')}`,
      `e.g. --variant ${variants[0]}, or leave --variant out to draw one at random`,
    )
  }
  return wanted
}
