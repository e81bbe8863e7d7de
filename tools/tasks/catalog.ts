// The README's catalog of tasks: a table generated from each images/tasks/<task>/task.md, kept
// between two marker comments in README.md, so it cannot drift from the tasks.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { readSizes, sizeCell, type TaskSize } from './task-sizes.ts'
import { listTaskDirs, readTaskFolder, type TaskInfo } from './task-folder.ts'

export const CATALOG_START =
  '<!-- catalog: generated from images/tasks/*/task.md by `npx zx scripts/catalog.mjs --write`; edit task.md, not this table -->'
export const CATALOG_END = '<!-- end of catalog -->'

export interface CatalogEntry {
  name: string
  info: TaskInfo
  /** Measured by `catalog.mjs --sizes` (images/tasks/sizes.json). */
  size?: TaskSize
}

/** Every task of the repository with its front matter and recorded size, by name. */
export function catalogEntries(root = REPO_ROOT): CatalogEntry[] {
  const sizes = readSizes(root)
  return listTaskDirs(root).map((task) => ({ name: task.name, info: readTaskFolder(task.dir).info, size: sizes[task.name] }))
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')

/** One row of the table, starting with "| `name` |" (what the task suite looks for). */
export function catalogRow({ name, info, size }: CatalogEntry): string {
  const cells = [
    `\`${name}\``,
    info.title,
    info.difficulty,
    String(info.minutes),
    info.skills.join(', '),
    info.tools.join(', '),
    info.variants.join(', ') || '-',
    sizeCell(size),
  ]
  return `| ${cells.map(cell).join(' | ')} |`
}

/** The Markdown table, between its markers. */
export function catalogTable(entries: CatalogEntry[]): string {
  return [
    CATALOG_START,
    '| task | what the candidate faces | difficulty | minutes | skills | tools | variants | image over base |',
    '|---|---|---|---|---|---|---|---|',
    ...entries.map(catalogRow),
    CATALOG_END,
  ].join('\n')
}

/** The README with its catalog replaced by `table`; an error when the markers are missing. */
export function withCatalog(readme: string, table: string, file = 'README.md'): string {
  const start = readme.indexOf(CATALOG_START)
  const end = readme.indexOf(CATALOG_END)
  if (start === -1 || end < start) {
    throw new UserError(`${file} has no catalog markers`, `put the lines ${CATALOG_START} and ${CATALOG_END} where the table goes`)
  }
  return readme.slice(0, start) + table + readme.slice(end + CATALOG_END.length)
}

export interface CatalogStatus {
  file: string
  current: boolean
  /** The tasks whose row is missing, different, or left over from a removed task. */
  stale: string[]
  /** The README as it should be. */
  expected: string
}

/** Compares README.md's catalog with the tasks' task.md files. */
export function catalogStatus(root = REPO_ROOT): CatalogStatus {
  const file = join(root, 'README.md')
  const readme = readFileSync(file, 'utf8')
  const table = catalogTable(catalogEntries(root))
  const expected = withCatalog(readme, table, file)
  const rows = (text: string) => new Set(text.split('\n').filter((line) => /^\| `/.test(line)))
  const have = rows(readme.slice(readme.indexOf(CATALOG_START), readme.indexOf(CATALOG_END)))
  const want = rows(table)
  const stale = [
    ...new Set(
      [...want]
        .filter((row) => !have.has(row))
        .concat([...have].filter((row) => !want.has(row)))
        .map((row) => /^\| `([^`]+)`/.exec(row)![1]!),
    ),
  ]
  return { file, current: expected === readme, stale, expected }
}

/** Rewrites README.md's catalog from the tasks; returns whether anything changed. */
export function writeCatalog(root = REPO_ROOT): boolean {
  const status = catalogStatus(root)
  if (!status.current) writeFileSync(status.file, status.expected)
  return !status.current
}

/** Throws, naming the stale rows, unless README.md's catalog is current. */
export function checkCatalog(root = REPO_ROOT): void {
  const status = catalogStatus(root)
  if (status.current) return
  const which = status.stale.length ? `: ${status.stale.join(', ')}` : ''
  throw new UserError(
    `${status.file}'s catalog of tasks is out of date${which}`,
    'regenerate it from the task.md files: npx zx scripts/catalog.mjs --write',
  )
}
