#!/usr/bin/env zx
// scripts/door.mjs: the SSH front door, in the foreground: participants of interviews come in here (unless run with --no-door)
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { serveDoor, DOOR_PORT } = await import('../tools/door/serve.ts')
const { swarmDoorBox } = await import('../tools/interviews/swarm-links.ts')

await cli(
  import.meta.url,
  '',
  'Serve SSH for every interview started without `--no-door`, until stopped (Ctrl-C): `ssh -p PORT <interview>@host`.\n' +
    'Who comes in, and in which role, is decided here, and what each person types is on the timeline before it reaches the box.',
  (y) =>
    y
      .option('bind', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: DOOR_PORT, describe: 'Port to listen on' }),
  // The interviews on a Swarm too (docs/cluster.md).
  (argv) => serveDoor({ bind: argv.bind, port: argv.port, boxesElsewhere: swarmDoorBox }),
)
