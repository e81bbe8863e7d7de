#!/usr/bin/env zx
// scripts/stop.mjs: stop interviews and remove everything they made
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { stopInterviews } = await import('../tools/interviews/stop.ts')

await cli(
  import.meta.url,
  '[names..]',
  'Stop the named interviews (or --all) and remove their containers, networks and volumes.\nOnly interviews this project started are touched.',
  (y) =>
    y
      .positional('names', { type: 'string', array: true, default: [], describe: 'Interview names (see list.mjs)' })
      .option('all', { type: 'boolean', describe: 'Stop every interview' })
      .option('engine', {
        type: 'string',
        choices: ['docker', 'swarm'],
        default: 'docker',
        describe: 'Interviews of the interview engine, or of the Swarm (docs/cluster.md)',
      }),
  async (argv) => {
    const stopped =
      argv.engine === 'swarm'
        ? await (await import('../tools/interviews/swarm.ts')).stopSwarmInterviews(argv.names, { all: argv.all })
        : await stopInterviews(argv.names, { all: argv.all })
    console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'no interviews to stop')
  },
)
