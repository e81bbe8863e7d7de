#!/usr/bin/env zx
// scripts/node-server.mjs: the server on each node of a Swarm (the interview-env-node-server service,
// docs/cluster.md): this node's engine, over mutual TLS, for the host that runs the interviews.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { serveRelay, NODE_SERVER_PORT } = await import('../tools/cluster/node-relay.ts')

await cli(
  import.meta.url,
  '',
  "Serve this node's engine to the cluster's clients until stopped: mutual TLS, " +
    "relayed to the node's gate (node-gate.py), which lets only this service's containers through.",
  (y) =>
    y
      .option('gate', { type: 'string', default: '/run/interview-env/node-gate/docker.sock', describe: "the node gate's socket" })
      .option('certs', { type: 'string', default: '/run/secrets', describe: 'the folder of ca.pem, server-cert.pem, server-key.pem' })
      .option('port', { type: 'number', default: NODE_SERVER_PORT, describe: 'the port to listen on' })
      .option('address', { type: 'string', default: '0.0.0.0', describe: 'the address to listen on' }),
  async (argv) => {
    const relay = await serveRelay({ gate: argv.gate, certs: argv.certs, port: argv.port, address: argv.address })
    const stop = () => relay.close().then(() => process.exit(0))
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    await new Promise(() => {})
  },
)
