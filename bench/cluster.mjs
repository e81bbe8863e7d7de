#!/usr/bin/env zx
// bench/cluster.mjs: idle interviews spread by Swarm over the local cluster (scripts/cluster.mjs up
// first): the split per node, run and login times, idle CPU and host memory per interview, and the
// time to stop them. Prints a Markdown table; --write records it in docs/benchmarks.md. It stops
// every interview on the Swarm first.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkCluster } = await import('../tools/bench/cluster.ts')

await cli(
  import.meta.url,
  '',
  'Start many interviews of base on the local Swarm, let them idle, measure what they cost, and stop them.',
  (y) =>
    y
      .option('count', { type: 'number', default: 60, describe: 'Interviews at once' })
      .option('idle', { type: 'number', default: 60, describe: 'Seconds of idle time measured' })
      .option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) =>
    console.log(
      await benchmarkCluster({ count: argv.count, idleSeconds: argv.idle, write: argv.write, log: (line) => console.error(line) }),
    ),
)
