import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { containerSpec, networkSpec, type BoxSpec } from '../interviews/spec.ts'
import { loopbackFor } from '../engine/ports.ts'
import { DEFAULT_LIMITS } from '../engine/security.ts'

const box = (over: Partial<BoxSpec> = {}): BoxSpec => ({
  name: 'alice-1',
  task: 'hello',
  image: 'interview-env/hello',
  password: 'pw-123456',
  keys: ['ssh-ed25519 AAAA a@b'],
  probeKey: 'ssh-ed25519 BBBB probe',
  participants: [],
  bind: '127.0.0.1',
  capAdd: ['SYS_PTRACE', 'NET_ADMIN'],
  limits: DEFAULT_LIMITS,
  desktop: false,
  ...over,
})

const OWN = {
  'interview-env.managed': 'true',
  'interview-env.interview': 'alice-1',
  'interview-env.task': 'hello',
  'interview-env.role': 'interview',
}

test("the network is the interview's own bridge, labelled as the interview's", () => {
  assert.equal(networkSpec(box()), { Name: 'ie-alice-1', Driver: 'bridge', Labels: OWN, CheckDuplicate: true })
})

test('a plain box: its labels, image, limits, capabilities, network and a free port on the bound address', () => {
  const spec = containerSpec(box())
  assert.is(spec.name, 'ie-alice-1')
  assert.is(spec.Image, 'interview-env/hello')
  assert.is(spec.Hostname, 'alice-1')
  assert.equal(spec.Labels, OWN)
  assert.equal(spec.HostConfig, {
    NetworkMode: 'ie-alice-1',
    PortBindings: { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    CapAdd: ['SYS_PTRACE', 'NET_ADMIN'],
    Memory: 1024 ** 3,
    MemorySwap: 1024 ** 3,
    NanoCpus: 1e9,
    PidsLimit: 512,
    StorageOpt: { size: String(4 * 1024 ** 3) },
    RestartPolicy: { Name: 'no' },
  })
  assert.equal(spec.ExposedPorts, { '22/tcp': {} })
  assert.equal(spec.NetworkingConfig, { EndpointsConfig: { 'ie-alice-1': { Aliases: ['box'] } } })
  assert.equal(spec.Env, [
    'INTERVIEW_NAME=alice-1',
    'INTERVIEW_TASK=hello',
    'INTERVIEW_PASSWORD=pw-123456',
    'INTERVIEW_AUTHORIZED_KEYS=ssh-ed25519 AAAA a@b',
    'INTERVIEW_PROBE_KEY=ssh-ed25519 BBBB probe',
    'INTERVIEW_PARTICIPANTS=',
  ])
})

test('a variant, a time limit, a recording, a fixed port, key login only and no exec', () => {
  const endsAt = Date.UTC(2030, 0, 1, 12, 0, 0)
  const spec = containerSpec(
    box({
      variant: 'typo',
      endsAt,
      recordingDir: '/rec/alice-1',
      port: 2222,
      password: null,
      noExec: true,
      participants: ['interviewer ssh-ed25519 CCCC i@x', 'observer ssh-ed25519 DDDD o@x'],
      limits: { memory: '512m', cpus: 1.5, pids: 100, disk: '2g' },
    }),
  )
  assert.equal(spec.Labels, {
    ...OWN,
    'interview-env.variant': 'typo',
    'interview-env.ends-at': '2030-01-01T12:00:00.000Z',
    'interview-env.recording': '/rec/alice-1',
  })
  assert.ok(spec.Env!.includes('INTERVIEW_VARIANT=typo'))
  assert.ok(spec.Env!.includes('INTERVIEW_PASSWORD='))
  assert.ok(spec.Env!.includes(`INTERVIEW_ENDS_AT=${endsAt / 1000}`))
  assert.ok(spec.Env!.includes('INTERVIEW_NO_EXEC=1'))
  assert.ok(spec.Env!.includes('INTERVIEW_PARTICIPANTS=interviewer ssh-ed25519 CCCC i@x\nobserver ssh-ed25519 DDDD o@x'))
  assert.equal(spec.HostConfig!.PortBindings, { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: '2222' }] })
  assert.is(spec.HostConfig!.Memory, 512 * 1024 ** 2)
  assert.is(spec.HostConfig!.NanoCpus, 1.5e9)
  assert.is(spec.HostConfig!.PidsLimit, 100)
  assert.equal(spec.HostConfig!.StorageOpt, { size: String(2 * 1024 ** 3) })
  assert.is(containerSpec(box({ limits: { ...DEFAULT_LIMITS, disk: 'none' } })).HostConfig!.StorageOpt, undefined)
})

test("a desktop gets shared memory, and its links' labels and environment; the web links add labels", () => {
  const spec = containerSpec(
    box({ desktop: true, screen: { labels: { 'x.desktop': 'h' }, env: ['VNC=1'] }, web: { labels: { 'x.web': 'w' } } }),
  )
  assert.is(spec.HostConfig!.ShmSize, 512 * 1024 * 1024)
  assert.equal(spec.Labels, { ...OWN, 'x.web': 'w', 'x.desktop': 'h' })
  assert.ok(spec.Env!.includes('VNC=1'))
  assert.not.ok('ShmSize' in containerSpec(box()).HostConfig!)
})

test('the readiness probe reaches an interview bound to all addresses on loopback', () => {
  assert.is(loopbackFor('0.0.0.0'), '127.0.0.1')
  assert.is(loopbackFor('::'), '::1')
  assert.is(loopbackFor('192.0.2.7'), '192.0.2.7')
})

test.run()
