#!/usr/bin/env zx
// scripts/cluster.mjs: a real Docker Swarm of a manager and workers on this one machine, for tests
// and demos (docs/cluster.md): up, status, share (images for the nodes to pull), down.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { connectDocker } = await import('../tools/engine/docker.ts')
const { ensureImage } = await import('../tools/images/build.ts')
const cluster = await import('../tools/cluster/cluster.ts')
const { checkWorkers } = await import('../tools/cluster/layout.ts')
const { formatTable } = await import('../tools/core/format.ts')
const { UserError } = await import('../tools/core/errors.ts')

await cli(
  import.meta.url,
  '<action> [images..]',
  'Make (up), show (status), feed (share IMAGE...) or remove (down) a local Swarm: each node a Docker engine\n' +
    'in its own network namespace, users remapped, linked by a bridge and fenced (docs/cluster.md). Needs root.',
  (y) =>
    y
      .positional('action', { type: 'string', choices: ['up', 'status', 'share', 'down'], demandOption: true })
      .positional('images', {
        type: 'string',
        array: true,
        describe: 'for share: images of the interview engine, e.g. interview-env/hello',
      })
      .option('workers', { type: 'number', default: 1, describe: 'worker nodes beside the manager (1 to 8)' }),
  async (argv) => {
    if (argv.action === 'up') {
      const workers = checkWorkers(argv.workers ?? 1)
      // The node servers run the server image: built here first when the interview engine lacks it.
      const images = await connectDocker()
      await ensureImage(images, 'server', { log: (line) => console.error(line) })
      const layout = await cluster.clusterUp(workers, { log: console.log, images })
      console.log(
        `cluster up: ${layout.nodes.length} nodes, registry ${layout.registry}; the manager's engine: DOCKER_HOST=unix://${layout.nodes[0]?.socket}`,
      )
      return
    }
    if (argv.action === 'down') {
      await cluster.clusterDown(console.log)
      return console.log('cluster down: nothing of it is left')
    }
    if (argv.action === 'share') {
      const images = argv.images ?? []
      if (!images.length)
        throw new UserError('share needs the images to share', 'e.g. npx zx scripts/cluster.mjs share interview-env/hello')
      const layout = cluster.requireCluster()
      for (const name of await cluster.shareImages(layout, await connectDocker(), images)) console.log(name)
      return
    }
    const status = await cluster.clusterStatus()
    if (!status) return console.log('no local cluster is up (start one: sudo npx zx scripts/cluster.mjs up)')
    const rows = status.nodes.map((node) => [
      node.name,
      node.role,
      node.address,
      node.engine,
      node.server,
      node.swarm,
      String(node.containers ?? '-'),
    ])
    console.log(formatTable(['NODE', 'ROLE', 'ADDRESS', 'ENGINE', 'SERVER', 'SWARM', 'CONTAINERS'], rows))
    console.log(`registry ${status.layout.registry}: ${status.registry}`)
  },
)
