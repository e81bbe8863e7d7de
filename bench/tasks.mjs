#!/usr/bin/env zx
// bench/tasks.mjs: build time and image size of every task image. Prints a Markdown table;
// --write records it in docs/benchmarks.md.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkTasks } = await import('../tools/bench/tasks.ts')

await cli(
  import.meta.url,
  '',
  'Build every task image without the layer cache and again with it, and report times and sizes.',
  (y) => y.option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) => console.log(await benchmarkTasks(argv)),
)
