#!/usr/bin/env zx
// scripts/replay.mjs: play an interview's recording in this terminal
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { replay, recordingFile } = await import('../tools/recording/replay.ts')
const { formatTyped, typedLines } = await import('../tools/recording/typed.ts')
const { dirname } = await import('node:path')

await cli(
  import.meta.url,
  '<interview>',
  'Play the recording of <interview> (or a .cast file) in this terminal. Markers (joins, hints, checks) go to stderr.\n' +
    'The file is asciicast v2: asciinema play recordings/<interview>/session.cast works too.',
  (y) =>
    y
      .positional('interview', { type: 'string', demandOption: true, describe: 'Interview name, or a .cast file' })
      .option('speed', { type: 'number', default: 1, describe: 'Playback speed (2 = twice as fast)' })
      .option('idle-limit', { type: 'number', default: 2, describe: 'Longest pause kept, in seconds' })
      .option('typed', { type: 'boolean', describe: 'Instead of playing, list who typed what, line by line' }),
  async (argv) => {
    if (argv.typed) {
      const lines = typedLines(dirname(recordingFile(argv.interview)))
      console.log(lines.length ? formatTyped(lines) : 'nobody typed over SSH in this recording')
      return
    }
    const { events, seconds } = await replay(argv.interview, { speed: argv.speed, idleLimit: argv.idleLimit })
    console.error(`\n[end of recording: ${events} events, ${seconds.toFixed(1)} s]`)
  },
)
