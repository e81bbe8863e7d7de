#!/usr/bin/env zx
// scripts/fence.mjs: write (or remove, or show) the egress fence of the interview engine's address
// pool in the host's firewall. scripts/start-engine.sh runs it; it needs root, and running it again
// changes nothing.
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { addressPool, formatCidr } = await import('../tools/engine/address-pool.ts')
const { fenceRules, installFence, readHostNameservers, removeFence, FORWARD_CHAIN, INPUT_CHAIN } = await import('../tools/engine/fence.ts')

await cli(
  import.meta.url,
  '[action]',
  'Keep interviews off the host, its LAN, private and link-local addresses and each other (docs/security.md).\n' +
    'The pool is INTERVIEW_ADDRESS_POOL (default 10.213.0.0/16).',
  (y) => y.positional('action', { type: 'string', choices: ['install', 'remove', 'show'], default: 'install' }),
  async (argv) => {
    const pool = addressPool()
    if (argv.action === 'remove') return await removeFence(pool)
    const nameservers = readHostNameservers()
    const rules = argv.action === 'show' ? fenceRules(pool, nameservers) : await installFence(pool, nameservers)
    if (argv.action === 'show') {
      for (const rule of rules.forward) console.log(`-A ${FORWARD_CHAIN} ${rule.join(' ')}`)
      for (const rule of rules.input) console.log(`-A ${INPUT_CHAIN} ${rule.join(' ')}`)
    } else console.log(`fence: ${rules.forward.length + rules.input.length} rules for ${formatCidr(pool)}`)
  },
)
