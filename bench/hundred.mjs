#!/usr/bin/env zx
// bench/hundred.mjs: a hundred concurrent recorded idle interviews on one host: login time into the
// first and the last, idle CPU and host memory per interview with everything included, kernel keys,
// and the time to start and stop them all. Prints a Markdown table; --write records it in
// docs/benchmarks.md. It stops every interview on the engine first.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkHundred } = await import('../tools/bench/hundred.ts')

await cli(
  import.meta.url,
  '',
  'Start many recorded interviews of base, let them idle, measure what they cost, and stop them.',
  (y) =>
    y
      .option('count', { type: 'number', default: 100, describe: 'Interviews at once' })
      .option('idle', { type: 'number', default: 60, describe: 'Seconds of idle time measured' })
      .option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) =>
    console.log(
      await benchmarkHundred({ count: argv.count, idleSeconds: argv.idle, write: argv.write, log: (line) => console.error(line) }),
    ),
)
