#!/usr/bin/env zx
// bench/desktop-recording.mjs: how fast a desktop task's recording (desktop.rfb) grows per minute,
// idle, with a line a second and with a full-screen redraw, and the recorder's CPU. Prints a
// Markdown table; --write records it in docs/benchmarks.md.
import { register } from 'tsx/esm/api'
register()
const { cli } = await import('../tools/core/cli.ts')
const { benchmarkDesktopRecording } = await import('../tools/bench/desktop-recording.ts')

await cli(
  import.meta.url,
  '',
  'Start a recorded desktop interview and measure how fast its desktop recording grows with the screen idle, typing and redrawing.',
  (y) =>
    y
      .option('task', { type: 'string', default: 'desktop', describe: 'Desktop image or task to start' })
      .option('seconds', { type: 'number', default: 20, describe: 'Length of each measurement' })
      .option('runs', { type: 'number', default: 3, describe: 'Measurements of each screen' })
      .option('write', { type: 'boolean', describe: 'Record the table in docs/benchmarks.md' }),
  async (argv) => console.log(await benchmarkDesktopRecording(argv)),
)
