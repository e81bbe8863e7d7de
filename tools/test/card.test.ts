import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hostname } from 'node:os'
import { connectionCard, connectionJson, sshCommand, type InterviewDetails } from '../interviews/card.ts'

const details: InterviewDetails = {
  name: 'base-abcd',
  task: 'base',
  bind: '127.0.0.1',
  port: 32768,
  user: 'user',
  password: 'Xk3pa-7Hqm2-aaaaa-bbbbb',
  hostKeyFingerprint: 'SHA256:abc',
  fullToolset: true,
  missingTools: [],
  limits: { memory: '1g', cpus: 1, pids: 512, disk: '4g' },
}

test('the ssh command names the port and keeps each interview apart in known_hosts', () => {
  assert.is(sshCommand(details), 'ssh -p 32768 -o HostKeyAlias=interview-base-abcd user@127.0.0.1')
  assert.is(sshCommand({ ...details, port: 22 }), 'ssh -o HostKeyAlias=interview-base-abcd user@127.0.0.1')
  assert.is(sshCommand({ ...details, bind: '0.0.0.0' }), `ssh -p 32768 -o HostKeyAlias=interview-base-abcd user@${hostname()}`)
})

test('the card has the command, password, host key, sharing note and how to stop', () => {
  const card = connectionCard(details)
  assert.match(card, 'Interview "base-abcd" is ready (task: base)')
  assert.match(card, 'join:      ssh -p 32768')
  assert.match(card, 'password:  Xk3pa-7Hqm2-aaaaa-bbbbb')
  assert.match(card, 'host key:  SHA256:abc')
  assert.match(card, 'ONE terminal')
  assert.match(card, 'Stop it:   npx zx scripts/stop.mjs base-abcd')
  assert.not.match(card, 'Not available')
})

test('on a Swarm: the card names the node, joins at its address, and stops with --engine swarm', () => {
  const swarm = { ...details, bind: '10.211.0.3', node: 'ie-worker1' }
  const card = connectionCard(swarm)
  assert.match(card, 'join:      ssh -p 32768 -o HostKeyAlias=interview-base-abcd user@10.211.0.3')
  assert.match(card, 'node:      ie-worker1')
  assert.match(card, 'Stop it:   npx zx scripts/stop.mjs base-abcd --engine swarm')
  const json = connectionJson(swarm)
  assert.is(json.node, 'ie-worker1')
  assert.is(json.host, '10.211.0.3')
  assert.is(json.stop, 'npx zx scripts/stop.mjs base-abcd --engine swarm')
  assert.is(connectionJson(details).node, null)
  assert.match(connectionCard({ ...swarm, egress: 'cluster' }), "Network: none outside the interview (the local cluster's fence).")
  assert.match(connectionCard({ ...swarm, egress: 'node' }), "Network: what the Swarm node's firewall allows")
  assert.not.match(connectionCard(details), 'node:')
})

test('the card says when there is no password, and which tools are missing', () => {
  const card = connectionCard({ ...details, password: null, fullToolset: false, missingTools: ['ip netns', 'nsenter'] })
  assert.match(card, 'password:  none (key login only)')
  assert.match(card, 'Not available on this Docker daemon: ip netns, nsenter')
})

test("the card and the JSON name the interview's variant for the interviewer; no line when the task has none", () => {
  assert.match(
    connectionCard({ ...details, task: 'dns', variant: 'typo' }),
    /^  variant:   typo  \(which fault this interview has: for the interviewers, not the candidate\)$/m,
  )
  assert.not.match(connectionCard(details), 'variant:')
  assert.is(connectionJson({ ...details, variant: 'typo' }).variant, 'typo')
  assert.is(connectionJson(details).variant, null)
})

test('the JSON has the same details, and round-trips', () => {
  const json = JSON.parse(JSON.stringify(connectionJson(details)))
  assert.is(json.ssh, sshCommand(details))
  assert.is(json.password, details.password)
  assert.is(json.port, 32768)
  assert.is(json.host, '127.0.0.1')
  assert.is(json.stop, 'npx zx scripts/stop.mjs base-abcd')
  assert.equal(json.limits, details.limits)
})

test.run()
