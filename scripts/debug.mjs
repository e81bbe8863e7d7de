#!/usr/bin/env zx
// scripts/debug.mjs: a root shell in a running interview, or in a throwaway container of an image
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { engineOption, useEngineOf } = await import('../tools/interviews/engine-of.ts')
const { debugShell } = await import('../tools/live/debug.ts')

await cli(
  import.meta.url,
  '<target> [command..]',
  'Open a root shell (or run a command) in the running interview <target>, or in a throwaway\n' +
    'container of the image <target> for task authors. Example: debug base -- cat /etc/os-release\n' +
    "With --service, in one of the interview's services instead (a multi-service task's db, web...).",
  (y) =>
    y
      .positional('target', { type: 'string', demandOption: true, describe: 'Interview name or image name' })
      .positional('command', { type: 'string', array: true, default: [], describe: 'Command to run instead of a shell (after --)' })
      .option('service', { type: 'string', describe: 'A service of the interview (see list), e.g. db' })
      .option('engine', { ...engineOption, describe: `${engineOption.describe}; with swarm, <target> is an interview` }),
  async (argv) => {
    // On a Swarm, a service may run on another node than the box: the engine is the one that runs it.
    await useEngineOf(argv.target, argv.engine, argv.service)
    const command = [...argv.command, ...argv._].map(String)
    process.exitCode = await debugShell(argv.target, command, { service: argv.service, boxElsewhere: argv.engine === 'swarm' })
  },
)
