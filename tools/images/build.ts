// The catalog of images (images/base, images/tasks/<task>) and building them in dependency order.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { $ } from 'zx'
import { ensureBaseOs } from './base-os.ts'
import { BuildProgress, openBuildLog } from './build-progress.ts'
import { readComposeTask, type ComposeTask } from '../tasks/compose-file.ts'
import { buildServices, missingServiceImages } from '../tasks/compose.ts'
import { connectDocker, imageExists, type Docker } from '../engine/docker.ts'
import { CommandError, UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { imageTag } from '../engine/names.ts'
import { readTaskFolder } from '../tasks/task-folder.ts'


export interface ImageDefinition {
  name: string
  dir: string
  tag: string
  /** Images this one is built FROM (the Nx project's implicitDependencies). */
  dependsOn: string[]
  /** base: built from the OS; image: another image under images/ (e.g. desktop); task: images/tasks. */
  kind: 'base' | 'image' | 'task'
}

/** Every image the repository defines: the base, the other images/<name>, then each images/tasks/<name>. */
export function listImages(root = REPO_ROOT): ImageDefinition[] {
  const images: ImageDefinition[] = []
  const add = (name: string, dir: string, kind: ImageDefinition['kind']) => {
    if (!existsSync(join(dir, 'Dockerfile'))) return
    const project = join(dir, 'project.json')
    const dependsOn: string[] = existsSync(project) ? (JSON.parse(readFileSync(project, 'utf8')).implicitDependencies ?? []) : []
    images.push({ name, dir, tag: imageTag(name), dependsOn, kind })
  }
  add('base', join(root, 'images/base'), 'base')
  for (const name of readdirSync(join(root, 'images')).sort()) {
    if (name !== 'base' && name !== 'tasks' && !name.startsWith('.')) add(name, join(root, 'images', name), 'image')
  }
  const tasks = join(root, 'images/tasks')
  if (existsSync(tasks)) {
    for (const name of readdirSync(tasks).sort()) if (!name.startsWith('.')) add(name, join(tasks, name), 'task')
  }
  return images
}

/** The named image, or an error that lists the known ones. */
export function findImage(name: string, images = listImages()): ImageDefinition {
  const image = images.find((candidate) => candidate.name === name)
  if (!image) {
    throw new UserError(`unknown image or task "${name}"`, `known: ${images.map((i) => i.name).join(', ')} (npx zx scripts/list.mjs --images)`)
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

export interface BuildOptions {
  noCache?: boolean
  mirror?: string
  /** Rebuild the dependencies too, instead of only building those that are missing. */
  withDependencies?: boolean
  log?: (line: string) => void
  /** Show the builder's whole output live, instead of one line per step (the full log is kept either way). */
  verbose?: boolean
}

/** Whether builds show their whole output: --verbose, or INTERVIEW_ENV_BUILD_VERBOSE=1 (rebuild-all through Nx). */
export const verboseBuild = (options: BuildOptions) => options.verbose || process.env.INTERVIEW_ENV_BUILD_VERBOSE === '1'

/** Builds the named images, and any image they need that is missing, in dependency order. */
export async function buildImages(names: string[], options: BuildOptions = {}): Promise<void> {
  const docker = await connectDocker()
  const wanted = new Set(names)
  for (const image of buildOrder(names)) {
    if (!wanted.has(image.name) && !options.withDependencies && (await imageExists(docker, image.tag))) continue
    await buildImage(docker, image, options)
  }
}

/**
 * Builds one image with `docker build`: one line per step on stderr (or the whole output with
 * --verbose), the full output in .build-logs/<image>.log; a failure shows its last lines and the path.
 */
export async function buildImage(docker: Docker, image: ImageDefinition, options: BuildOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.error(line))
  if (image.kind === 'base') await ensureBaseOs(docker, { mirror: options.mirror, log })
  if (image.kind === 'task') readTaskFolder(image.dir)
  const compose = composeTaskOf(image)
  copyHostCertificates(image.dir)
  const file = openBuildLog(REPO_ROOT, image.name)
  log(`building ${image.tag} from ${image.dir} (log: ${file.path})`)
  const flags = options.noCache || process.env.INTERVIEW_ENV_NO_CACHE === '1' ? ['--no-cache'] : []
  const build = $({ nothrow: true, quiet: true, cwd: image.dir })`docker build ${flags} --force-rm --label interview-env.image=${image.name} -t ${image.tag} .`
  const progress = verboseBuild(options) ? undefined : new BuildProgress(image.name, process.stderr)
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20000)
    file.write(chunk)
    if (progress) progress.feed(chunk.toString())
    else process.stderr.write(chunk)
  }
  build.stdout.on('data', keep)
  build.stderr.on('data', keep)
  const result = await build
  progress?.finish(result.exitCode === 0)
  file.close()
  if (result.exitCode !== 0) {
    throw new CommandError(`building ${image.tag}`, result.exitCode, output, `fix ${join(image.dir, 'Dockerfile')} and run the build again (full log: ${file.path})`)
  }
  if (compose) await buildServices(compose, log, { noCache: flags.length > 0, verbose: verboseBuild(options) })
}

/** The services of a multi-service task (its compose.yaml), checked; undefined for a one-container image. */
export function composeTaskOf(image: ImageDefinition): ComposeTask | undefined {
  return image.kind === 'task' ? readComposeTask(image.name, image.dir) : undefined
}

/**
 * An image with a `host-ca/` folder fetches from a package registry while it builds: give it the
 * extra CA certificates this host's Node trusts (a TLS-inspecting proxy), or none.
 */
export function copyHostCertificates(dir: string, env: NodeJS.ProcessEnv = process.env): void {
  const folder = join(dir, 'host-ca')
  if (!existsSync(folder)) return
  const sources = [env.NODE_EXTRA_CA_CERTS, env.npm_config_cafile].filter((file): file is string => !!file && existsSync(file))
  writeFileSync(join(folder, 'extra.pem'), sources.map((file) => readFileSync(file, 'utf8')).join('\n'))
}

/** Builds the image of `name` if it does not exist yet. */
export async function ensureImage(docker: Docker, name: string, options: BuildOptions = {}): Promise<ImageDefinition> {
  const image = findImage(name)
  const compose = composeTaskOf(image)
  if (!(await imageExists(docker, image.tag))) await buildImages([name], options)
  else if (compose && (await missingServiceImages(docker, compose)).length) await buildServices(compose, options.log ?? ((line) => console.error(line)))
  return image
}
