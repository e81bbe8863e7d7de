#!/usr/bin/env zx
// scripts/web.mjs: the web gateway, in the foreground: browsers join interviews through their links
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { serveGateway, gatewayCliOptions, serveOptionsFrom } = await import('../tools/web/serve.ts')
const { swarmElsewhere } = await import('../tools/interviews/swarm-links.ts')

await cli(
  import.meta.url,
  '',
  'Serve the browser terminal of every interview started with `run --web`, until stopped (Ctrl-C).\n' +
    'Candidate links can type, observer links only watch; links die with their interview.',
  (y) => gatewayCliOptions(y, 7680),
  // The links of interviews on a Swarm too (docs/cluster.md).
  (argv) => serveGateway({ ...serveOptionsFrom(argv), elsewhere: swarmElsewhere }),
)
