#!/usr/bin/env zx
// scripts/catalog.mjs: the README's table of tasks, generated from images/tasks/*/task.md
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { catalogEntries, catalogTable, checkCatalog, writeCatalog } = await import('../tools/tasks/catalog.ts')

await cli(
  import.meta.url,
  '',
  'Print the catalog of tasks (a Markdown table made from each task.md), or update README.md with it.\n' +
    'Run it with --write after adding a task or changing a task.md; --check says whether README.md is current.',
  (y) =>
    y
      .option('write', { type: 'boolean', describe: "Rewrite README.md's catalog between its marker comments" })
      .option('check', { type: 'boolean', describe: "Fail (exit 1) unless README.md's catalog is current" })
      .conflicts('write', 'check'),
  (argv) => {
    if (argv.check) {
      checkCatalog()
      console.log('README.md: the catalog is current')
    } else if (argv.write) {
      console.log(writeCatalog() ? 'README.md: catalog updated' : 'README.md: the catalog was already current')
    } else {
      console.log(catalogTable(catalogEntries()))
    }
  },
)
