import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseCidr } from '../engine/address-pool.ts'
import { fenceRules, hostNameservers, NON_PUBLIC } from '../engine/fence.ts'

const rules = fenceRules({ pool: parseCidr('10.213.0.0/16'), bridge: parseCidr('10.212.0.1/24'), nameservers: ['10.255.255.53'] })
const text = (list: string[][]) => list.map((rule) => rule.join(' '))
const REJECT = '-j REJECT --reject-with icmp-admin-prohibited'

test('forwarding: replies and builds pass, one network talks within itself, the rest goes through the fence', () => {
  assert.equal(text(rules.forward), [
    '-d 10.213.0.0/16 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-d 10.212.0.0/24 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-s 10.212.0.0/24 -j ACCEPT',
    '-s 10.213.0.0/16 -d 10.213.0.0/16 -m physdev --physdev-is-bridged -j ACCEPT',
    '-s 10.213.0.0/16 -j INTERVIEW-EGRESS',
  ])
})

test('internet: other interviews and every non-public range are rejected, the host resolver passes on port 53 only', () => {
  const egress = text(rules.egress)
  assert.is(egress[0], `-d 10.213.0.0/16 ${REJECT}`)
  for (const range of NON_PUBLIC) assert.ok(egress.includes(`-s 10.213.0.0/17 -d ${range} ${REJECT}`), range)
  for (const range of ['169.254.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'])
    assert.ok(NON_PUBLIC.includes(range))
  const dns = egress.indexOf('-s 10.213.0.0/17 -d 10.255.255.53 -p udp --dport 53 -j ACCEPT')
  assert.ok(dns > 0 && dns < egress.indexOf(`-s 10.213.0.0/17 -d 10.0.0.0/8 ${REJECT}`))
  assert.ok(egress.indexOf('-s 10.213.0.0/17 -j ACCEPT') > egress.indexOf(`-s 10.213.0.0/17 -d 240.0.0.0/4 ${REJECT}`))
})

test('none rejects everything outside its network, all accepts the rest, the remainder of the pool is closed', () => {
  const egress = text(rules.egress)
  assert.ok(egress.indexOf('-s 10.213.192.0/18 -j ACCEPT') < egress.indexOf(`-s 10.213.128.0/18 ${REJECT}`))
  assert.not.ok(egress.some((rule) => rule.startsWith('-s 10.213.128.0/18 -d 10.255.255.53')))
  assert.is(egress.at(-1), REJECT)
})

test('the host itself answers interviews only with replies, except to --egress all; both ranges are translated', () => {
  assert.equal(text(rules.input), [
    '-s 10.213.0.0/16 -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    '-s 10.213.192.0/18 -j RETURN',
    `-s 10.213.0.0/16 ${REJECT}`,
  ])
  assert.equal(text(rules.nat), ['-s 10.213.0.0/16 ! -d 10.213.0.0/16 -j MASQUERADE', '-s 10.212.0.0/24 ! -d 10.212.0.0/24 -j MASQUERADE'])
})

test('resolvers come from resolv.conf, without loopback ones', () => {
  assert.equal(hostNameservers('# x\nnameserver 10.255.255.53\nnameserver 127.0.0.53\n nameserver 1.1.1.1 \nsearch lan\n'), [
    '10.255.255.53',
    '1.1.1.1',
  ])
})

test.run()
