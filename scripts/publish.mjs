#!/usr/bin/env zx
// scripts/publish.mjs: tag and push images to a registry (Docker Hub by default)
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { publishImages } = await import('../tools/images/publish.ts')

await cli(
  import.meta.url,
  '[images..]',
  'Tag and push built images (all of them by default), base first. The base is published as\n' +
    'ssh-interview, each task as ssh-interview-<task>. Log in first with `docker login`.',
  (y) =>
    y
      .positional('images', { type: 'string', array: true, default: [], describe: 'base, or task names' })
      .option('registry', { type: 'string', describe: 'Registry host[:port] (default: Docker Hub)' })
      .option('namespace', { type: 'string', demandOption: true, describe: 'User or organisation, e.g. acme' })
      .option('tag', { type: 'string', default: 'latest', describe: 'Tag to push' }),
  async (argv) => {
    const pushed = await publishImages(argv.images, { registry: argv.registry, namespace: argv.namespace, tag: argv.tag })
    console.log(pushed.join('\n'))
  },
)
