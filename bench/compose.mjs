#!/usr/bin/env zx
// bench/compose.mjs: what a multi-service task's services cost (ready time, stop, idle memory,
// image sizes) against a one-container task, measured in the same run. Prints a Markdown table;
// --write records it in docs/benchmarks.md.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkCompose } = await import('../tools/bench/compose.ts')

await cli(
  import.meta.url,
  '',
  'Start and stop a multi-service task and a one-container task several times each, and compare them.',
  (y) =>
    y
      .option('task', { type: 'string', default: 'shop-outage', describe: 'The multi-service task' })
      .option('against', { type: 'string', default: 'hello', describe: 'The one-container task to compare with' })
      .option('runs', { type: 'number', default: 5, describe: 'Interviews of each' })
      .option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) => console.log(await benchmarkCompose({ task: argv.task, against: argv.against, runs: argv.runs, write: argv.write })),
)
