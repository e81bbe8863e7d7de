#!/usr/bin/env zx
// scripts/fence.mjs: write (or remove, or show) the interview engine's firewall rules: its forwarding,
// its address translation and the egress fence (tools/engine/fence.ts). scripts/start-engine.sh runs
// it; it needs root, and running it again changes nothing.
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { addressPool, buildBridge, formatCidr } = await import('../tools/engine/address-pool.ts')
const fence = await import('../tools/engine/fence.ts')

await cli(
  import.meta.url,
  '[action]',
  'Keep interviews off the host, its LAN, private and link-local addresses and each other (docs/security.md).\n' +
    'The pool is INTERVIEW_ADDRESS_POOL, the build bridge INTERVIEW_BRIDGE_CIDR (defaults: tools/engine/defaults.env).',
  (y) => y.positional('action', { type: 'string', choices: ['install', 'remove', 'show'], default: 'install' }),
  async (argv) => {
    if (argv.action === 'remove') return await fence.removeFence()
    const scope = { pool: addressPool(), bridge: buildBridge(), nameservers: fence.readHostNameservers() }
    if (argv.action === 'install') {
      const rules = await fence.installFence(scope)
      return console.log(`fence: ${Object.values(rules).flat().length} rules for ${formatCidr(scope.pool)}`)
    }
    const rules = fence.fenceRules(scope)
    /** @type {(chain: string, list: string[][]) => void} */
    const show = (chain, list) => list.forEach((rule) => console.log(`-A ${chain} ${rule.join(' ')}`))
    show(fence.FORWARD_CHAIN, rules.forward)
    show(fence.EGRESS_CHAIN, rules.egress)
    show(fence.INPUT_CHAIN, rules.input)
    show(`${fence.NAT_CHAIN} (nat)`, rules.nat)
  },
)
