// Each task's cost on disk beyond the image it is built from, measured on the engine and kept in
// images/tasks/sizes.json, so that the README's catalog (made from files, and checked without an
// engine) can show it. The task suite compares the record with the built image.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import type { Docker } from '../engine/docker.ts'
import { composeTaskOf, listImages, type ImageDefinition } from '../images/list.ts'

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

const MiB = 1024 * 1024
const mib = (bytes: number) => Math.round((bytes * 10) / MiB) / 10

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

async function sizeOf(docker: Docker, tag: string): Promise<number> {
  try {
    return (await docker.getImage(tag).inspect()).Size
  } catch {
    throw new UserError(`the image ${tag} is not built`, 'build the images first: npx nx run-many -t build')
  }
}

/** Measures one task's images on the engine. */
export async function measureTaskSize(docker: Docker, image: ImageDefinition, images = listImages()): Promise<TaskSize> {
  const parent = image.dependsOn[0] ?? 'base'
  const parentImage = images.find((i) => i.name === parent)
  const parentSize = await sizeOf(docker, parentImage?.tag ?? parent)
  const overParent = mib((await sizeOf(docker, image.tag)) - parentSize)
  const baseSize = parent === 'base' ? parentSize : await sizeOf(docker, images.find((i) => i.kind === 'base')?.tag ?? 'base')
  const over =
    parent === 'base' ? { overParent, parent } : { overParent, parent, parentOverBase: Math.round((parentSize - baseSize) / MiB) }
  const compose = composeTaskOf(image)
  if (!compose) return over
  let services = 0
  for (const service of compose.services.filter((s) => s.built)) services += await sizeOf(docker, service.image)
  return { ...over, services: Math.round(services / MiB) }
}

/**
 * Measures every built task and writes images/tasks/sizes.json; a task not built keeps what was
 * recorded for it. Returns the tasks it could not measure.
 */
export async function writeSizes(docker: Docker, root = REPO_ROOT): Promise<string[]> {
  const images = listImages(root)
  const sizes = readSizes(root)
  const notBuilt: string[] = []
  const measured: Record<string, TaskSize> = {}
  for (const image of images.filter((i) => i.kind === 'task')) {
    try {
      measured[image.name] = await measureTaskSize(docker, image, images)
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      notBuilt.push(image.name)
      if (sizes[image.name]) measured[image.name] = sizes[image.name]!
    }
  }
  writeFileSync(join(root, SIZES_FILE), JSON.stringify(measured, null, 2) + '\n')
  return notBuilt
}

/** Builds differ by a few files (package lists, timestamps): a record is current within 10 % or 5 MiB. */
export function sizeIsCurrent(recorded: number, measured: number): boolean {
  return Math.abs(recorded - measured) <= Math.max(5, measured * 0.1)
}

/** Throws unless the recorded size of `task` matches its built images. */
export async function checkTaskSize(docker: Docker, task: string, root = REPO_ROOT): Promise<TaskSize> {
  const images = listImages(root)
  const image = images.find((i) => i.kind === 'task' && i.name === task)
  if (!image) throw new UserError(`no task named ${task}`, 'name a folder of images/tasks')
  const measured = await measureTaskSize(docker, image, images)
  const recorded = readSizes(root)[task]
  const stale =
    !recorded ||
    recorded.parent !== measured.parent ||
    !sizeIsCurrent(recorded.overParent, measured.overParent) ||
    (measured.services !== undefined && !sizeIsCurrent(recorded.services ?? -1e9, measured.services))
  if (stale)
    throw new UserError(
      `${SIZES_FILE} says ${task} is ${sizeCell(recorded)}; built, it is ${sizeCell(measured)}`,
      'measure again and regenerate the catalog: npx zx scripts/catalog.mjs --sizes',
    )
  return measured
}
