#!/usr/bin/env zx
// scripts/check.mjs: the interviewer's authoritative check of a running interview
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { engineOption, useEngineOf } = await import('../tools/interviews/engine-of.ts')
const { checkInterview } = await import('../tools/live/checks.ts')
const { printable } = await import('../tools/core/printable.ts')

await cli(
  import.meta.url,
  '<interview>',
  "Run the task's check in the interview: prints OK, or NO and what is still wrong (exit 1).\n" +
    'The check comes from this repository at check time, runs twice a few seconds apart, and is time-limited.',
  (y) =>
    y
      .positional('interview', { type: 'string', demandOption: true, describe: 'Interview name (see list.mjs)' })
      .option('engine', engineOption),
  async (argv) => {
    await useEngineOf(argv.interview, argv.engine)
    const result = await checkInterview(argv.interview)
    console.log(printable(result.message))
    if (!result.ok) process.exitCode = 1
  },
)
