import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { readComposeTask, type ComposeTask } from '../tasks/compose-file.ts'
import {
  composeDuration,
  refuseUnsupportedOnSwarm,
  resolvedServices,
  servicesNetworkSpec,
  startOrder,
  swarmServiceSpec,
} from '../tasks/swarm-services.ts'

const shop = () => readComposeTask('shop-outage', join(REPO_ROOT, 'images/tasks/shop-outage'))!
const placement = { interview: 'alice', task: 'shop-outage', images: { db: 'reg/db@sha256:1', web: 'reg/web@sha256:2' } }

test("shop-outage's services: db before web (web waits for it); each one replica, never restarted, on the interview's overlay under its name", () => {
  const services = resolvedServices(shop(), 'loopback+no-grant')
  assert.equal(startOrder(services), ['db', 'web'])
  const db = swarmServiceSpec('db', services.db!, placement) as any
  assert.is(db.Name, 'ie-alice-db')
  assert.is(db.Labels['interview-env.interview'], 'alice')
  assert.is(db.Labels['interview-env.role'], 'service')
  assert.is(db.TaskTemplate.ContainerSpec.Image, 'reg/db@sha256:1')
  assert.ok(db.TaskTemplate.ContainerSpec.Env.includes('INTERVIEW_VARIANT=loopback+no-grant'))
  assert.is(db.TaskTemplate.ContainerSpec.StopSignal, 'SIGINT')
  assert.equal(db.TaskTemplate.ContainerSpec.HealthCheck.Test, ['CMD', 'pg_isready', '-q', '-h', '127.0.0.1', '-U', 'dba', '-d', 'shop'])
  assert.is(db.TaskTemplate.ContainerSpec.HealthCheck.Interval, 1e9)
  assert.equal(db.TaskTemplate.ContainerSpec.Mounts[0].Source, 'ie-alice_pgdata')
  assert.is(db.TaskTemplate.ContainerSpec.Mounts[0].VolumeOptions.Labels['interview-env.interview'], 'alice')
  assert.equal(db.TaskTemplate.RestartPolicy, { Condition: 'none', MaxAttempts: 0 })
  assert.equal(db.TaskTemplate.Networks, [{ Target: 'ie-alice-services', Aliases: ['db'] }])
  assert.is(db.EndpointSpec.Mode, 'dnsrr')
  assert.is(db.TaskTemplate.Resources.Limits.MemoryBytes, 512 * 1024 ** 2)
  const web = swarmServiceSpec('web', services.web!, placement) as any
  assert.is(web.TaskTemplate.Resources.Limits.MemoryBytes, 128 * 1024 ** 2)
  // Compose's $$ is a plain $ by then.
  assert.equal(web.TaskTemplate.ContainerSpec.HealthCheck.Test, ['CMD-SHELL', 'kill -0 $(cat /run/nginx.pid)'])
})

test('the overlay is internal and not attachable: no way out, and only the interview joins it', () => {
  const spec = servicesNetworkSpec('alice', 'shop-outage') as any
  assert.equal([spec.Name, spec.Driver, spec.Internal, spec.Attachable], ['ie-alice-services', 'overlay', true, false])
})

test('what a Swarm cannot run is refused in one line, naming the service and the key', () => {
  const base = shop()
  const withKey = (extra: Record<string, unknown>): ComposeTask => ({
    ...base,
    raw: { ...base.raw, services: { ...base.raw.services, db: { ...base.raw.services.db, ...extra } } },
  })
  refuseUnsupportedOnSwarm(base)
  for (const [extra, pattern] of [
    [{ tmpfs: ['/tmp'] }, /service "db" sets tmpfs/],
    [{ volumes: ['./data:/data'] }, /only the file's named volumes/],
    [{ volumes: ['other:/data'] }, /only the file's named volumes/],
  ] as const)
    assert.throws(
      () => refuseUnsupportedOnSwarm(withKey(extra)),
      (error: unknown) => error instanceof UserError && pattern.test(error.message),
    )
})

test('start order follows depends_on, and a circle is refused', () => {
  assert.equal(startOrder({ web: { depends_on: ['api'] }, api: { depends_on: { db: { condition: 'service_healthy' } } }, db: {} }), [
    'db',
    'api',
    'web',
  ])
  assert.throws(() => startOrder({ a: { depends_on: ['b'] }, b: { depends_on: ['a'] } }), /circle/)
})

test('durations as Compose writes them', () => {
  assert.is(composeDuration('1s'), 1e9)
  assert.is(composeDuration('1m30s'), 90e9)
  assert.is(composeDuration('500ms'), 5e8)
  assert.throws(() => composeDuration('soon'))
})

test.run()
