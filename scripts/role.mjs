#!/usr/bin/env zx
// scripts/role.mjs: switch a participant between watching and typing, at once
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { engineOption, useEngineOf } = await import('../tools/interviews/engine-of.ts')
const { setReadOnly } = await import('../tools/live/roles.ts')
const { UserError } = await import('../tools/core/errors.ts')

await cli(
  import.meta.url,
  '<interview> <who>',
  'Make <who> (a name from list.mjs, e.g. alice@laptop, or a tty) read-only or read-write in the shared terminal.\n' +
    "It takes effect at once and goes into the recording's timeline.",
  (y) =>
    y
      .positional('interview', { type: 'string', demandOption: true, describe: 'Interview name' })
      .positional('who', { type: 'string', demandOption: true, describe: 'Participant name or tty' })
      .option('read-only', { type: 'boolean', describe: 'Watch only' })
      .option('read-write', { type: 'boolean', describe: 'May type' })
      .option('engine', engineOption),
  async (argv) => {
    if (!!argv.readOnly === !!argv.readWrite)
      throw new UserError('say --read-only or --read-write', `e.g. npx zx scripts/role.mjs ${argv.interview} ${argv.who} --read-only`)
    await useEngineOf(argv.interview, argv.engine)
    const changed = await setReadOnly(argv.interview, argv.who, !!argv.readOnly)
    console.log(
      changed.length
        ? `${argv.who} is now ${argv.readOnly ? 'read-only' : 'read-write'} (${changed.length} client${changed.length > 1 ? 's' : ''})`
        : `${argv.who} already was ${argv.readOnly ? 'read-only' : 'read-write'}`,
    )
  },
)
