#!/usr/bin/env zx
// scripts/build.mjs: build images (base, tasks) in dependency order
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { buildImages } = await import('../tools/images/build.ts')
const { listImages } = await import('../tools/images/list.ts')
const { UserError } = await import('../tools/core/errors.ts')

await cli(
  import.meta.url,
  '[images..]',
  'Build the named images (or --all), and any image they need that is missing, dependencies first.\n' +
    'Prints one line per image and step; the full log is in .build-logs/<image>.log (--verbose shows it live).\n' +
    "When the Debian base OS cannot be pulled, it is built with debootstrap from this machine's apt mirror.",
  (y) =>
    y
      .positional('images', { type: 'string', array: true, default: [], describe: 'base, or task names' })
      .option('all', { type: 'boolean', describe: 'Build every image' })
      .option('cache', { type: 'boolean', default: true, describe: "Use Docker's layer cache (--no-cache: build without it)" })
      .option('mirror', { type: 'string', describe: 'Debian mirror for debootstrap (default: from /etc/apt)' }),
  async (argv) => {
    const names = argv.all ? listImages().map((image) => image.name) : argv.images
    if (!names.length)
      throw new UserError('build needs image names, or --all', 'see the images there are: npx zx scripts/list.mjs --images')
    await buildImages(names, { noCache: !argv.cache, mirror: argv.mirror, verbose: argv.verbose === true })
  },
)
