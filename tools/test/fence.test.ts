import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseCidr } from '../engine/address-pool.ts'
import { fenceRules, hostNameservers, NON_PUBLIC } from '../engine/fence.ts'

const rules = fenceRules(parseCidr('10.213.0.0/16'), ['10.255.255.53'])
const text = (list: string[][]) => list.map((rule) => rule.join(' '))

test('internet: every non-public range is rejected, the host resolver only on port 53, the rest passes', () => {
  const forward = text(rules.forward)
  for (const range of NON_PUBLIC)
    assert.ok(forward.includes(`-s 10.213.0.0/17 -d ${range} -j REJECT --reject-with icmp-admin-prohibited`), range)
  for (const range of ['169.254.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'])
    assert.ok(NON_PUBLIC.includes(range))
  const dns = forward.indexOf('-s 10.213.0.0/17 -d 10.255.255.53 -p udp --dport 53 -j RETURN')
  assert.ok(dns > 0 && dns < forward.indexOf('-s 10.213.0.0/17 -d 10.0.0.0/8 -j REJECT --reject-with icmp-admin-prohibited'))
  assert.ok(
    forward.indexOf('-s 10.213.0.0/17 -j RETURN') >
      forward.indexOf('-s 10.213.0.0/17 -d 240.0.0.0/4 -j REJECT --reject-with icmp-admin-prohibited'),
  )
})

test('none rejects everything outside the pool, all passes everything, the rest of the pool is closed', () => {
  const forward = text(rules.forward)
  assert.ok(
    forward.indexOf('-s 10.213.192.0/18 -j RETURN') < forward.indexOf('-s 10.213.128.0/18 -j REJECT --reject-with icmp-admin-prohibited'),
  )
  assert.not.ok(forward.some((rule) => rule.startsWith('-s 10.213.128.0/18 -d 10.255.255.53')))
  assert.is(forward.at(-1), '-j REJECT --reject-with icmp-admin-prohibited')
})

test('the host itself answers only replies, except to --egress all', () => {
  assert.equal(text(rules.input), [
    '-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    '-s 10.213.192.0/18 -j RETURN',
    '-j REJECT --reject-with icmp-admin-prohibited',
  ])
})

test('resolvers come from resolv.conf, without loopback ones', () => {
  assert.equal(hostNameservers('# x\nnameserver 10.255.255.53\nnameserver 127.0.0.53\n nameserver 1.1.1.1 \nsearch lan\n'), [
    '10.255.255.53',
    '1.1.1.1',
  ])
})

test.run()
