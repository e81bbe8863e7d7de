#!/usr/bin/env zx
// scripts/serve.mjs: the interview server, in the foreground: the front door, the recorder and time
// limits, the web gateway and the cockpit (its page and API, docs/api.md). docs/server.md runs it
// under systemd or in a container.
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { serveCockpit } = await import('../tools/cockpit/serve.ts')
const { DOOR_PORT } = await import('../tools/door/serve.ts')
const { gatewayCliOptions, serveOptionsFrom } = await import('../tools/web/serve.ts')

await cli(
  import.meta.url,
  '',
  'Serve interviews until stopped (Ctrl-C): the SSH front door, the recording and time limits of every interview, ' +
    'the browser terminal of those started with `run --web`, and the cockpit (its page at / and its API, docs/api.md) ' +
    'for interviewers (accounts: scripts/interviewers.mjs). A piece another process serves already is used, not started twice. ' +
    'After a crash, start it again: it takes up every running interview from the engine (docs/server.md).',
  (y) =>
    gatewayCliOptions(y, 7680)
      .option('door', { type: 'boolean', default: true, describe: 'Serve the SSH front door (--no-door: another process does)' })
      .option('door-port', { type: 'number', default: DOOR_PORT, describe: 'Port of the front door' })
      .option('record', {
        type: 'boolean',
        default: true,
        describe: 'Record the interviews under the recordings root and keep their time limits (--no-record: another process does)',
      }),
  (argv) => serveCockpit({ ...serveOptionsFrom(argv), doorPort: argv.door ? argv.doorPort : undefined, record: argv.record }),
)
// The exec streams of recordings left unfinished would keep the process alive after a SIGTERM.
process.exit()
