#!/usr/bin/env zx
// scripts/serve.mjs: the cockpit server, in the foreground: its API (docs/api.md) for interviewers, and the web gateway
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { serveCockpit } = await import('../tools/cockpit/serve.ts')

await cli(
  import.meta.url,
  '',
  "Serve the cockpit's API for interviewers (accounts: scripts/interviewers.mjs; docs/api.md) and the browser\n" +
    'terminal of every interview started with `run --web`, until stopped (Ctrl-C).\n' +
    'Candidate links can type, observer links only watch; links die with their interview.',
  (y) =>
    y
      .option('bind', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: 7680, describe: 'Port to listen on' })
      .option('origin', { type: 'string', array: true, describe: 'Also accept WebSockets from this origin (behind a reverse proxy)' })
      .option('public-url', {
        type: 'string',
        array: true,
        describe: "Also answer requests for this URL's host (a reverse proxy's public URL); repeatable",
      })
      .option('trusted-proxy', { type: 'string', array: true, describe: 'Believe X-Forwarded-For from this proxy address; repeatable' })
      .option('cert', { type: 'string', describe: 'TLS certificate (PEM) to serve HTTPS' })
      .option('key', { type: 'string', describe: 'TLS private key (PEM)' }),
  (argv) =>
    serveCockpit({
      bind: argv.bind,
      port: argv.port,
      origins: argv.origin,
      cert: argv.cert,
      key: argv.key,
      publicUrls: argv.publicUrl,
      trustedProxies: argv.trustedProxy,
    }),
)
