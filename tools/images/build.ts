// Building images in dependency order: one line per step, the full log in .build-logs/.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { $ } from 'zx'
import { ensureBaseOs } from './base-os.ts'
import { buildOutput } from './build-progress.ts'
import { connectDocker, imageExists, type Docker } from '../engine/docker.ts'
import { LABEL } from '../engine/names.ts'
import { runShowingTail } from '../core/command.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { readTaskFolder } from '../tasks/task-folder.ts'
import { buildOrder, composeTaskOf, findImage, type ImageDefinition, type ResolvedImage } from './list.ts'
import { buildServices, missingServiceImages } from './services.ts'

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
  copyHostNode(image.dir)
  const output = buildOutput(REPO_ROOT, image.name, image.name, verboseBuild(options))
  log(`building ${image.tag} from ${image.dir} (log: ${output.path})`)
  const flags = options.noCache || process.env.INTERVIEW_ENV_NO_CACHE === '1' ? ['--no-cache'] : []
  const build = $({
    nothrow: true,
    quiet: true,
    cwd: image.context,
  })`docker build ${flags} --force-rm --label ${LABEL.image}=${image.name} -t ${image.tag} -f ${join(image.dir, 'Dockerfile')} .`
  let ok = false
  try {
    await runShowingTail(
      build,
      `building ${image.tag}`,
      `fix ${join(image.dir, 'Dockerfile')} and run the build again (full log: ${output.path})`,
      output.write,
    )
    ok = true
  } finally {
    output.finish(ok)
  }
  if (compose) await buildServices(compose, log, { noCache: flags.length > 0, verbose: verboseBuild(options) })
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

/**
 * An image with a `host-node/` folder runs the project's scripts: give it the Node binary that runs
 * this build (the version the project is tested with; Debian 12's own Node 18 is too old for its
 * dependencies, and no other package source is assumed).
 */
export function copyHostNode(dir: string): void {
  const folder = join(dir, 'host-node')
  if (!existsSync(folder)) return
  if ('Deno' in globalThis || !/node$/.test(basename(process.execPath)))
    throw new UserError(`the image in ${dir} takes the Node binary of its build`, 'build it with Node: npx zx scripts/build.mjs ...')
  copyFileSync(process.execPath, join(folder, 'node'))
}

/**
 * Builds the image of `target` (a name, or an image already resolved with its compose file) if it
 * does not exist yet, and the images of its services that are missing.
 */
export async function ensureImage(
  docker: Docker,
  target: string | Pick<ResolvedImage, 'image' | 'compose'>,
  options: BuildOptions = {},
): Promise<ImageDefinition> {
  const image = typeof target === 'string' ? findImage(target) : target.image
  const compose = typeof target === 'string' ? composeTaskOf(image) : target.compose
  if (!(await imageExists(docker, image.tag))) await buildImages([image.name], options)
  else if (compose && (await missingServiceImages(docker, compose)).length)
    await buildServices(compose, options.log ?? ((line) => console.error(line)))
  return image
}
