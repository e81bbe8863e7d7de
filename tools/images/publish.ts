// Publishing images to a registry: Docker Hub by default, or any registry (e.g. 127.0.0.1:5000).
import { $ } from 'zx'
import { connectDocker, imageExists } from '../engine/docker.ts'
import { CommandError, UserError } from '../core/errors.ts'
import { buildOrder, composeTaskOf, listImages, type ImageDefinition } from './list.ts'

export interface PublishOptions {
  registry?: string
  namespace: string
  tag?: string
  log?: (line: string) => void
}

/** The published name: the base is the original project's `ssh-interview`, tasks `ssh-interview-<task>`. */
export function publishedName(image: Pick<ImageDefinition, 'name' | 'kind'>): string {
  return image.kind === 'base' ? 'ssh-interview' : `ssh-interview-${image.name}`
}

/** The full reference to push: `namespace/name:tag` on Docker Hub, `registry/namespace/name:tag` elsewhere. */
export function publishedRef(image: Pick<ImageDefinition, 'name' | 'kind'>, options: PublishOptions): string {
  const registry = options.registry ?? 'docker.io'
  const hub = ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(registry)
  return `${hub ? '' : `${registry}/`}${options.namespace}/${publishedName(image)}:${options.tag ?? 'latest'}`
}

export function checkPublishOptions(options: PublishOptions): void {
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(options.namespace)) {
    throw new UserError(
      `--namespace ${options.namespace} cannot name a repository`,
      'use your Docker Hub user or organisation (lower case), e.g. --namespace acme',
    )
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(options.tag ?? 'latest')) {
    throw new UserError(`--tag ${options.tag} is not a valid tag`, 'use letters, digits, dots, dashes and underscores, e.g. --tag 2026.11')
  }
  if (options.registry !== undefined && !/^[A-Za-z0-9.-]+(:\d+)?$/.test(options.registry)) {
    throw new UserError(
      `--registry ${options.registry} is not a registry host`,
      'give HOST or HOST:PORT, e.g. --registry 127.0.0.1:5000 (Docker Hub is the default)',
    )
  }
}

/** What to push for each image: the image itself and, for a multi-service task, its built services. */
function publishable(image: ImageDefinition): { tag: string; as: Pick<ImageDefinition, 'name' | 'kind'>; build: string }[] {
  const services = (composeTaskOf(image)?.services ?? []).filter((service) => service.built)
  return [
    { tag: image.tag, as: image, build: image.name },
    ...services.map((service) => ({
      tag: service.image,
      as: { name: `${image.name}-${service.name}`, kind: image.kind },
      build: image.name,
    })),
  ]
}

/**
 * Tags and pushes the named images (all by default), base first, with the services of a
 * multi-service task as ssh-interview-<task>-<service>; returns the references pushed.
 */
export async function publishImages(names: string[], options: PublishOptions): Promise<string[]> {
  checkPublishOptions(options)
  const log = options.log ?? ((line: string) => console.error(line))
  const images = buildOrder(names.length ? names : listImages().map((image) => image.name)).flatMap(publishable)
  const docker = await connectDocker()
  for (const image of images) {
    if (!(await imageExists(docker, image.tag)))
      throw new UserError(`${image.tag} is not built`, `build it first: npx zx scripts/build.mjs ${image.build}`)
  }
  const pushed: string[] = []
  for (const image of images) {
    const ref = publishedRef(image.as, options)
    const taggedBefore = await imageExists(docker, ref)
    await docker.getImage(image.tag).tag({ repo: ref.slice(0, ref.lastIndexOf(':')), tag: ref.slice(ref.lastIndexOf(':') + 1) })
    log(`pushing ${image.tag} as ${ref}`)
    const push = await $({ nothrow: true, quiet: true })`docker push ${ref}`
    if (push.exitCode !== 0) {
      // A failed push leaves nothing behind: the tag made for it goes again.
      if (!taggedBefore)
        await docker
          .getImage(ref)
          .remove({ noprune: true })
          .catch(() => undefined)
      const denied = /denied|unauthorized|authentication required/i.test(push.stderr)
      throw new CommandError(
        `docker push ${ref}`,
        push.exitCode,
        push.stdout + push.stderr,
        denied ? `log in first: docker login ${options.registry ?? ''}`.trim() : 'is the registry reachable? (docker push shows why above)',
      )
    }
    pushed.push(ref)
  }
  return pushed
}
