import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import {
  addressPool,
  buildBridge,
  egressRange,
  formatCidr,
  freeSubnets,
  ipamConfig,
  overlaps,
  parseCidr,
  rangeFull,
} from '../engine/address-pool.ts'
import { UserError } from '../core/errors.ts'
import { hostSubnets } from '../engine/networks.ts'

test('a range is parsed to its network address, and bad ones are refused in one line', () => {
  assert.equal(formatCidr(parseCidr('10.213.7.9/16')), '10.213.0.0/16')
  for (const bad of ['10.213.0.0', '10.300.0.0/16', '10.0.0.0/33', 'x/8'])
    assert.throws(
      () => parseCidr(bad),
      (e: Error) => e instanceof UserError,
    )
})

test('the pool is split by egress policy into ranges that do not overlap', () => {
  const pool = addressPool({})
  assert.equal(formatCidr(pool), '10.213.0.0/16')
  const ranges = (['internet', 'none', 'all'] as const).map((egress) => egressRange(pool, egress))
  assert.equal(ranges.map(formatCidr), ['10.213.0.0/17', '10.213.128.0/18', '10.213.192.0/18'])
  assert.not.ok(overlaps(ranges[0]!, ranges[1]!) || overlaps(ranges[1]!, ranges[2]!) || overlaps(ranges[0]!, ranges[2]!))
  for (const range of ranges) assert.ok(overlaps(range, pool))
  assert.throws(() => addressPool({ INTERVIEW_ADDRESS_POOL: '10.1.2.0/27' }), /too small/)
})

test('free /28s skip every subnet in use, and a /16 holds thousands', () => {
  const range = parseCidr('10.213.0.0/26')
  const used = [parseCidr('10.213.0.0/28'), parseCidr('10.213.0.32/27')]
  assert.equal([...freeSubnets(range, used)].map(formatCidr), ['10.213.0.16/28'])
  let count = 0
  for (const _ of freeSubnets(parseCidr('10.213.0.0/17'), [])) count++
  assert.is(count, 2048)
  assert.equal(ipamConfig(parseCidr('10.213.0.16/28')).Config, [{ Subnet: '10.213.0.16/28', Gateway: '10.213.0.17' }])
})

test('a full range says so in one line with the fix', () => {
  const error = rangeFull(parseCidr('10.213.0.0/27'), 'internet')
  assert.match(error.message, /no free network left for --egress internet: all 2 \/28s of 10.213.0.0\/27 are in use/)
  assert.match(error.hint!, /INTERVIEW_ADDRESS_POOL/)
})

test('the tools and scripts/start-engine.sh take their defaults from one file; the environment overrides them', () => {
  const file = new URL('../engine/defaults.env', import.meta.url).pathname
  const fromScript = (key: string) => execFileSync('sed', ['-n', `s/^${key}=//p`, file], { encoding: 'utf8' }).trim()
  assert.is(formatCidr(addressPool({})), formatCidr(parseCidr(fromScript('INTERVIEW_ADDRESS_POOL'))))
  assert.is(formatCidr(buildBridge({})), formatCidr(parseCidr(fromScript('INTERVIEW_BRIDGE_CIDR'))))
  assert.is(formatCidr(addressPool({ INTERVIEW_ADDRESS_POOL: '10.99.0.0/20' })), '10.99.0.0/20')
  assert.is(formatCidr(buildBridge({ INTERVIEW_BRIDGE_CIDR: '10.98.0.1/24' })), '10.98.0.0/24')
})

test("the host's own routed subnets are read from its route table, a link that is down included", () => {
  const table = [
    'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'br-stale\t5000D50A\t00000000\t0001\t0\t0\t0\tF0FFFFFF\t0\t0\t0',
    'eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
  ].join('\n')
  assert.equal(hostSubnets(table).map(formatCidr), ['10.213.0.80/28', '192.168.0.0/24'])
})

test.run()
