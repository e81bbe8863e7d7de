#!/usr/bin/env zx
// scripts/new-task.mjs: scaffold a task folder that builds and passes its tests at once
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { newTask } = await import('../tools/tasks/new-task.ts')

await cli(
  import.meta.url,
  '<name>',
  'Create images/tasks/<name> with a statement, setup, check, hints and reference solution that work as they are.\nThen list it in the README (npx zx scripts/catalog.mjs --write) and edit them (docs/writing-tasks.md).',
  (y) => y.positional('name', { type: 'string', demandOption: true, describe: 'Task name: lower-case letters, digits, dashes' }),
  (argv) => {
    const dir = newTask(argv.name)
    console.log(`created ${dir}`)
    console.log(`list it in the README's catalog (again after each change to its task.md): npx zx scripts/catalog.mjs --write`)
    console.log(
      `build it, record its size for the catalog, and test it: npx zx scripts/build.mjs ${argv.name} && npx zx scripts/catalog.mjs --sizes && npx nx run-many -t test -p ${argv.name} --outputStyle=stream`,
    )
  },
)
