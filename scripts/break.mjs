#!/usr/bin/env zx
// scripts/break.mjs: apply an extra fault from the task's library to a running interview
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { engineOption, useEngineOf } = await import('../tools/interviews/engine-of.ts')
const { applyFault, faultsOf } = await import('../tools/live/faults.ts')
const { formatTable } = await import('../tools/core/format.ts')

await cli(
  import.meta.url,
  '<interview> [fault]',
  "Raise the difficulty live: apply <fault> from the task's library (images/tasks/<task>/faults/) to a running interview.\n" +
    "Without <fault>, lists the faults there are. The interviewer's check (check.mjs) then checks the fault too.",
  (y) =>
    y
      .positional('interview', { type: 'string', demandOption: true, describe: 'Interview name' })
      .positional('fault', { type: 'string', describe: 'Fault to apply' })
      .option('engine', engineOption),
  async (argv) => {
    await useEngineOf(argv.interview, argv.engine)
    if (!argv.fault) {
      const faults = await faultsOf(argv.interview)
      console.log(
        faults.length
          ? formatTable(
              ['FAULT', 'WHAT IT DOES'],
              faults.map((f) => [f.name, f.description]),
            )
          : 'this task has no library of faults',
      )
      return
    }
    const fault = await applyFault(argv.interview, argv.fault)
    console.log(`applied ${fault.name} to ${argv.interview}: ${fault.description}`)
  },
)
