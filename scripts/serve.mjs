#!/usr/bin/env zx
// scripts/serve.mjs: the cockpit server, in the foreground: its API (docs/api.md) for interviewers, and the web gateway
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { serveCockpit } = await import('../tools/cockpit/serve.ts')
const { gatewayCliOptions, serveOptionsFrom } = await import('../tools/web/serve.ts')

await cli(
  import.meta.url,
  '',
  'Serve the cockpit (its page at / and its API, docs/api.md) for interviewers (accounts: scripts/interviewers.mjs) and the browser\n' +
    'terminal of every interview started with `run --web`, until stopped (Ctrl-C).\n' +
    'Candidate links can type, observer links only watch; links die with their interview.',
  (y) => gatewayCliOptions(y, 7680),
  (argv) => serveCockpit(serveOptionsFrom(argv)),
)
