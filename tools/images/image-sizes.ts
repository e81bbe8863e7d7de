// Measuring each task's images on the engine into images/tasks/sizes.json (catalog.mjs --sizes), and
// checking a record against the built images (the task suite).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import type { Docker } from '../engine/docker.ts'
import { readSizes, sizeCell, sizeIsCurrent, SIZES_FILE, type TaskSize } from '../tasks/task-sizes.ts'
import { composeTaskOf, listImages, type ImageDefinition } from './list.ts'

const MiB = 1024 * 1024
const mib = (bytes: number) => Math.round((bytes * 10) / MiB) / 10

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
