#!/usr/bin/env zx
// scripts/catalog.mjs: the README's table of tasks, generated from images/tasks/*/task.md
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { catalogEntries, catalogTable, checkCatalog, writeCatalog } = await import('../tools/tasks/catalog.ts')
const { checkTaskSize, writeSizes } = await import('../tools/images/image-sizes.ts')
const { sizeCell, SIZES_FILE } = await import('../tools/tasks/task-sizes.ts')
const { connectDocker } = await import('../tools/engine/docker.ts')

await cli(
  import.meta.url,
  '',
  'Print the catalog of tasks (a Markdown table made from each task.md), or update README.md with it.\n' +
    'Run it with --write after adding a task or changing a task.md; --check says whether README.md is current.\n' +
    `--sizes measures every built task image on the engine into ${SIZES_FILE}, then updates README.md.`,
  (y) =>
    y
      .option('write', { type: 'boolean', describe: "Rewrite README.md's catalog between its marker comments" })
      .option('check', { type: 'boolean', describe: "Fail (exit 1) unless README.md's catalog is current" })
      .option('sizes', { type: 'boolean', describe: `Measure the built task images into ${SIZES_FILE}, then rewrite the catalog` })
      .option('check-size', { type: 'string', describe: `Fail (exit 1) unless ${SIZES_FILE} matches this task's built images` })
      .conflicts('write', 'check')
      .conflicts('sizes', 'check'),
  async (argv) => {
    if (argv.checkSize) {
      const size = await checkTaskSize(await connectDocker(), argv.checkSize)
      console.log(`${argv.checkSize}: ${sizeCell(size)}, as ${SIZES_FILE} says`)
    } else if (argv.sizes) {
      const notBuilt = await writeSizes(await connectDocker())
      if (notBuilt.length) console.log(`not built, so not measured: ${notBuilt.join(', ')}`)
      console.log(writeCatalog() ? 'README.md: catalog updated with the measured sizes' : 'README.md: the catalog was already current')
    } else if (argv.check) {
      checkCatalog()
      console.log('README.md: the catalog is current')
    } else if (argv.write) {
      console.log(writeCatalog() ? 'README.md: catalog updated' : 'README.md: the catalog was already current')
    } else {
      console.log(catalogTable(catalogEntries()))
    }
  },
)
