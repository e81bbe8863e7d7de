// Each task's cost on disk beyond the image it is built from, as recorded in images/tasks/sizes.json
// (measured by tools/images/image-sizes.ts), so that the README's catalog, made from files and
// checked without an engine, can show it.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../core/paths.ts'

export const SIZES_FILE = 'images/tasks/sizes.json'

/** Sizes in MiB, to a tenth. */
export interface TaskSize {
  /** The box image's own layers: its size less that of the image it is built FROM. */
  overParent: number
  /** That image: base, or desktop for a desktop task. */
  parent: string
  /** That image's own size over base, when it is not base. */
  parentOverBase?: number
  /** A multi-service task's service images, whole (they are built from a slim OS image, not from base). */
  services?: number
}

/** The sizes recorded in images/tasks/sizes.json, by task (empty when the file is missing). */
export function readSizes(root = REPO_ROOT): Record<string, TaskSize> {
  const file = join(root, SIZES_FILE)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, TaskSize>) : {}
}

/** The catalog's cell: "+3.2 MiB", "+0.1 MiB over desktop (+1557 MiB)", "+91 MiB, services 509 MiB", or "?" before a measure. */
export function sizeCell(size: TaskSize | undefined): string {
  if (!size) return '?'
  const over =
    size.parent === 'base'
      ? `+${size.overParent} MiB`
      : `+${size.overParent} MiB over ${size.parent}${size.parentOverBase === undefined ? '' : ` (+${size.parentOverBase} MiB)`}`
  return size.services === undefined ? over : `${over}, services ${size.services} MiB`
}

/** Builds differ by a few files (package lists, timestamps): a record is current within 10 % or 5 MiB. */
export function sizeIsCurrent(recorded: number, measured: number): boolean {
  return Math.abs(recorded - measured) <= Math.max(5, measured * 0.1)
}
