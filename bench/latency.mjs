#!/usr/bin/env zx
// bench/latency.mjs: keystroke echo latency over SSH with tmux, through the web gateway, and over
// plain SSH; and the gateway's memory per browser. --write records it in docs/benchmarks.md.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkLatency } = await import('../tools/bench/latency.ts')

await cli(
  import.meta.url,
  '',
  "Measure keystroke echo latency on loopback for four paths, and the web gateway's memory per browser.",
  (y) =>
    y
      .option('keystrokes', {
        type: 'number',
        default: 3000,
        describe: 'Keystrokes per path (after 20 to warm up); a p95 of 3000 rests on 150 samples',
      })
      .option('browsers', { type: 'number', default: 20, describe: 'Browsers to attach for the memory figure' })
      .option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) => console.log(await benchmarkLatency(argv)),
)
