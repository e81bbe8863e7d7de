#!/usr/bin/env zx
// bench/interviews.mjs: how fast an interview is ready and stops, what it costs idle, and how many
// fit on this machine. Prints a Markdown table; --write records it in docs/benchmarks.md.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkInterviews } = await import('../tools/bench/interviews.ts')

await cli(
  import.meta.url,
  '',
  'Benchmark interviews of the base image (which must be built): ready time, stop time, idle memory, concurrency.\n' +
    'Stops every interview first: run it on a machine with no real interviews.',
  (y) =>
    y
      .option('runs', { type: 'number', default: 12, describe: 'Start/stop cycles for the timings' })
      .option('max', { type: 'number', default: 30, describe: 'Most concurrent interviews to try' })
      .option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) => console.log(await benchmarkInterviews(argv)),
)
