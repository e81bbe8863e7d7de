#!/usr/bin/env zx
// scripts/rebuild-all.mjs: rebuild every image in dependency order, through Nx
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { rebuildAll } = await import('../tools/images/rebuild.ts')

await cli(
  import.meta.url,
  '',
  'Rebuild every image (base first, then each task) with `nx run-many -t build`.',
  (y) => y.option('cache', { type: 'boolean', default: true, describe: "Use Docker's layer cache (--no-cache: build without it)" }),
  (argv) => rebuildAll({ noCache: !argv.cache, verbose: argv.verbose === true }),
)
