#!/usr/bin/env zx
// scripts/purge.mjs: delete old recordings
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { parseAge, purgeRecordings } = await import('../tools/recording/purge.ts')
const { recordingsRoot } = await import('../tools/recording/paths.ts')

await cli(
  import.meta.url,
  '',
  `Delete recordings (folders of ${recordingsRoot()}) whose newest file is older than --older-than.`,
  (y) =>
    y
      .option('older-than', { type: 'string', demandOption: true, describe: 'Age: 90m, 12h, 30d, 2w' })
      .option('dry-run', { type: 'boolean', describe: 'Only list what would be deleted' }),
  async (argv) => {
    const removed = purgeRecordings(parseAge(argv.olderThan), { dryRun: argv.dryRun })
    for (const name of removed) console.log(`${argv.dryRun ? 'would delete' : 'deleted'} ${name}`)
    console.error(`${removed.length} recording${removed.length === 1 ? '' : 's'} ${argv.dryRun ? 'to delete' : 'deleted'}`)
  },
)
