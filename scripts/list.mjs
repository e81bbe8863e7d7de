#!/usr/bin/env zx
// scripts/list.mjs: the running interviews (or, with --images, the images there are to run)
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { listInterviews } = await import('../tools/interviews/list.ts')
const { listImages } = await import('../tools/images/list.ts')
const { readTaskFolder } = await import('../tools/tasks/task-folder.ts')
const { formatAge, formatTable } = await import('../tools/core/format.ts')
const { printable } = await import('../tools/core/printable.ts')

await cli(
  import.meta.url,
  '',
  'List the interviews this project started: name, task, address, age, connected clients and,\n' +
    'for a multi-service task, its services.',
  (y) =>
    y
      .option('images', { type: 'boolean', describe: 'List the images and tasks there are to run instead, with the variants of each task' })
      .option('engine', {
        type: 'string',
        choices: ['docker', 'swarm'],
        default: 'docker',
        describe: 'The interviews of the interview engine, or of the Swarm (docs/cluster.md)',
      })
      .option('json', { type: 'boolean', describe: 'Print JSON' }),
  async (argv) => {
    if (argv.images) {
      // A task's variants are the faults `run --variant` can pin (task.md's `variants:`).
      const images = listImages().map(({ name, kind, tag, dir }) => ({
        name,
        kind,
        tag,
        variants: kind === 'task' ? readTaskFolder(dir).info.variants : [],
      }))
      const rows = images.map((i) => [i.name, i.kind, i.tag, i.variants.join(',') || '-'])
      console.log(argv.json ? JSON.stringify(images) : formatTable(['NAME', 'KIND', 'IMAGE', 'VARIANTS'], rows))
      return
    }
    if (argv.engine === 'swarm') {
      const { listSwarmInterviews } = await import('../tools/interviews/swarm.ts')
      const onSwarm = await listSwarmInterviews()
      if (argv.json) return console.log(JSON.stringify(onSwarm))
      if (!onSwarm.length) return console.log('no interviews on the Swarm (start one: npx zx scripts/run.mjs hello --engine swarm)')
      const rows = onSwarm.map((i) => [i.name, i.task, i.node, i.address, formatAge(Date.now() - i.createdAt.getTime()), i.state])
      return console.log(formatTable(['NAME', 'TASK', 'NODE', 'ADDRESS', 'AGE', 'STATE'], rows))
    }
    const interviews = await listInterviews()
    if (argv.json) return console.log(JSON.stringify(interviews))
    if (!interviews.length) return console.log('no interviews (start one: npx zx scripts/run.mjs base)')
    /** @type {(p: { who: string; role: string; readonly: boolean }) => string} */
    const person = (p) => printable(`${p.who} (${p.role}${p.readonly ? ', read-only' : ''})`)
    /** @type {(s: { name: string; state: string; health: string }) => string} */
    const service = (s) => `${s.name} ${s.state !== 'running' ? s.state : s.health === 'none' ? 'up' : s.health}`
    const withServices = interviews.some((i) => i.services.length)
    const rows = interviews.map((i) => [
      i.name,
      i.task,
      i.address,
      formatAge(Date.now() - i.createdAt.getTime()),
      i.clients === null ? '-' : String(i.clients),
      i.state,
      ...(withServices ? [i.services.map(service).join(', ') || '-'] : []),
      i.people.map(person).join(', ') || '-',
    ])
    console.log(formatTable(['NAME', 'TASK', 'ADDRESS', 'AGE', 'CLIENTS', 'STATE', ...(withServices ? ['SERVICES'] : []), 'WHO'], rows))
  },
)
