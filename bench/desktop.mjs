#!/usr/bin/env zx
// bench/desktop.mjs: time from `run` to a usable shared desktop, idle memory, image size and
// build times. Prints a Markdown table; --write records it in docs/benchmarks.md.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkDesktop } = await import('../tools/bench/desktop.ts')

await cli(
  import.meta.url,
  '',
  'Start desktop interviews one after another and measure how soon the desktop is usable in a real browser.',
  (y) =>
    y
      .option('task', { type: 'string', default: 'python-pairing', describe: 'Desktop image or task to start' })
      .option('runs', { type: 'number', default: 5, describe: 'Interviews to start' })
      .option('cold', { type: 'boolean', describe: 'Also time a build of the desktop without the layer cache (minutes)' })
      .option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) => console.log(await benchmarkDesktop(argv)),
)
