// The catalog of images (images/base, images/<image>, images/tasks/<task>), their build order, and a
// task resolved once into everything `run` needs from its folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { imageTag } from '../engine/names.ts'
import { readComposeTask, type ComposeTask } from '../tasks/compose-file.ts'
import { listTaskDirs, readTaskFolder, type TaskFolder } from '../tasks/task-folder.ts'

export interface ImageDefinition {
  name: string
  dir: string
  tag: string
  /** Images this one is built FROM (the Nx project's implicitDependencies). */
  dependsOn: string[]
  /**
   * base: built from the OS; image: another image under images/ (e.g. desktop); task: images/tasks;
   * tool: an image the tools run, never an interview (the checker; its project.json tags it "tool").
   */
  kind: 'base' | 'image' | 'task' | 'tool'
  /** What `docker build` sends: the image's folder, or the whole repository (tag "repository-context": the server's image). */
  context: string
}

/** Every image the repository defines: the base, the other images/<name>, then each images/tasks/<name>. */
export function listImages(root = REPO_ROOT): ImageDefinition[] {
  const images: ImageDefinition[] = []
  const add = (name: string, dir: string, kind: ImageDefinition['kind']) => {
    if (!existsSync(join(dir, 'Dockerfile'))) return
    const project = join(dir, 'project.json')
    const nx = existsSync(project) ? JSON.parse(readFileSync(project, 'utf8')) : {}
    const dependsOn: string[] = nx.implicitDependencies ?? []
    const tags: string[] = nx.tags ?? []
    images.push({
      name,
      dir,
      tag: imageTag(name),
      dependsOn,
      kind: kind === 'image' && tags.includes('tool') ? 'tool' : kind,
      context: tags.includes('repository-context') ? root : dir,
    })
  }
  add('base', join(root, 'images/base'), 'base')
  for (const name of readdirSync(join(root, 'images')).sort()) {
    if (name !== 'base' && name !== 'tasks' && !name.startsWith('.')) add(name, join(root, 'images', name), 'image')
  }
  for (const task of listTaskDirs(root)) add(task.name, task.dir, 'task')
  return images
}

/** The named image, or an error that lists the known ones. */
export function findImage(name: string, images = listImages()): ImageDefinition {
  const image = images.find((candidate) => candidate.name === name)
  if (!image) {
    throw new UserError(
      `unknown image or task "${name}"`,
      `known: ${images.map((i) => i.name).join(', ')} (npx zx scripts/list.mjs --images)`,
    )
  }
  return image
}

/** The named images and everything they are built from, dependencies first. */
export function buildOrder(names: string[], images = listImages()): ImageDefinition[] {
  const order: ImageDefinition[] = []
  const visit = (name: string, path: string[]) => {
    if (path.includes(name)) throw new UserError(`images depend on each other in a circle: ${[...path, name].join(' -> ')}`)
    const image = findImage(name, images)
    for (const dependency of image.dependsOn) visit(dependency, [...path, name])
    if (!order.includes(image)) order.push(image)
  }
  for (const name of names) visit(name, [])
  return order
}

/** Whether `image` is `ancestor` or is built from it, directly or not. */
export function isBuiltFrom(image: ImageDefinition, ancestor: string, images = listImages()): boolean {
  return buildOrder([image.name], images).some((step) => step.name === ancestor)
}

/** The services of a multi-service task (its compose.yaml), checked; undefined for a one-container image. */
export function composeTaskOf(image: ImageDefinition): ComposeTask | undefined {
  return image.kind === 'task' ? readComposeTask(image.name, image.dir) : undefined
}

/** An image or task resolved once: what `run` and its steps need, each file read and checked one time. */
export interface ResolvedImage {
  image: ImageDefinition
  /** The task folder (task.md with its variants, hints), read and checked; undefined for an image that is no task. */
  task?: TaskFolder
  /** The services of a multi-service task (compose.yaml), parsed and checked; undefined for one container. */
  compose?: ComposeTask
  /** Whether it is built on images/desktop. */
  desktop: boolean
}

/** Reads what an image's folder says, once: its task folder, its compose file, whether it is a desktop. */
export function resolveImage(image: ImageDefinition, images = listImages()): ResolvedImage {
  const desktop = isBuiltFrom(image, 'desktop', images)
  const compose = composeTaskOf(image)
  const task = image.kind === 'task' ? readTaskFolder(image.dir) : undefined
  return { image, task, compose, desktop }
}
