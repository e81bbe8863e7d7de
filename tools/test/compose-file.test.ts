import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { composeOverride, readComposeTask, SERVICE_LIMITS } from '../compose-file.ts'
import { UserError } from '../errors.ts'
import { LABEL } from '../names.ts'
import { listImages } from '../images.ts'

/** A task folder with a compose.yaml of `services` (each built from services/<name>) and a .dockerignore. */
function taskWith(services: Record<string, unknown>, extra: Record<string, unknown> = {}, ignore = 'solution\ncompose.yaml\nservices\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'compose-test-'))
  for (const name of Object.keys(services)) {
    mkdirSync(join(dir, 'services', name), { recursive: true })
    writeFileSync(join(dir, 'services', name, 'Dockerfile'), 'FROM debian:bookworm-slim\n')
  }
  writeFileSync(join(dir, 'compose.yaml'), stringify({ version: '2.4', services, ...extra }))
  writeFileSync(join(dir, '.dockerignore'), ignore)
  return dir
}

const rejects = (dir: string, message: RegExp) =>
  assert.throws(() => readComposeTask('shop', dir), (e: unknown) => e instanceof UserError && message.test(e.message), String(message))

test('a task without compose.yaml is a one-container task', () => {
  assert.is(readComposeTask('hello', mkdtempSync(join(tmpdir(), 'compose-test-'))), undefined)
})

test('services built from the task folder get interview-env image tags; pulled ones keep theirs', () => {
  const task = readComposeTask('shop', taskWith({ db: { build: 'services/db' }, cache: { image: 'redis:7' } }))!
  assert.equal(task.services, [
    { name: 'db', image: 'interview-env/shop-db', built: true },
    { name: 'cache', image: 'redis:7', built: false },
  ])
})

test('anything that would reach past the interview network is refused, naming the service and the key', () => {
  for (const key of ['ports', 'privileged', 'network_mode', 'pid', 'cap_add', 'devices', 'security_opt', 'networks', 'userns_mode', 'container_name']) {
    rejects(taskWith({ db: { build: 'services/db', [key]: key === 'privileged' ? true : ['x'] } }), new RegExp(`service "db" sets ${key}`))
  }
  rejects(taskWith({ db: { build: 'services/db', volumes: ['/:/host'] } }), /service "db" mounts a host path \(\/\)/)
  rejects(taskWith({ db: { build: 'services/db', volumes: ['./data:/data'] } }), /mounts a host path \(\.\/data\)/)
  rejects(taskWith({ db: { build: 'services/db', volumes: [{ type: 'bind', source: 'data', target: '/d' }] } }), /mounts a host path/)
  rejects(taskWith({ db: { build: 'services/db' } }, { networks: { back: {} } }), /declares networks/)
})

test('a service may not take the box\'s name, build outside its own folder, or hide from .dockerignore', () => {
  rejects(taskWith({ box: { build: 'services/box' } }), /service "box" is the candidate's machine/)
  rejects(taskWith({ db: { build: '../elsewhere' } }), /builds from \.\.\/elsewhere, outside the task folder/)
  rejects(taskWith({ db: { build: '.' } }), /builds from the task folder itself/)
  rejects(taskWith({ db: { build: 'services/db' } }, {}, 'solution\ncompose.yaml\n'), /services\/ \(service "db"\) is not listed in .*\.dockerignore/)
  rejects(taskWith({ db: { build: 'services/db' } }, {}, 'solution\nservices\n'), /compose\.yaml.*is not listed in .*\.dockerignore/)
  rejects(taskWith({ db: { build: 'services/nodb' } }), /service "db" has no services\/nodb\/Dockerfile/)
  rejects(taskWith({ db: {} }), /service "db" has neither build: nor image:/)
  rejects(taskWith({}), /has no services/)
})

test('the file must say version 2.4 (Compose v1 and v2 both read its limits and health conditions)', () => {
  const dir = taskWith({ db: { build: 'services/db' } })
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  db:\n    build: services/db\n')
  rejects(dir, /version must be '2\.4' \(it has none\)/)
  writeFileSync(join(dir, 'compose.yaml'), 'version: "3.8"\nservices: {db: {build: services/db}}\n')
  rejects(dir, /version must be '2\.4' \(it has '3\.8'\)/)
  writeFileSync(join(dir, 'compose.yaml'), 'services: [\n')
  rejects(dir, /is not YAML/)
})

test('the override labels every service and volume as the interview\'s, adds default limits, and joins its network', () => {
  const task = readComposeTask('shop', taskWith({ db: { build: 'services/db', volumes: ['data:/var/lib/data'] }, web: { build: 'services/web', mem_limit: '128m' } }, { volumes: { data: {} } }))!
  const override = composeOverride(task, { name: 'shop-x1', network: 'ie-shop-x1' }) as any
  assert.is(override.services.db.image, 'interview-env/shop-db')
  assert.is(override.services.db.labels[LABEL.interview], 'shop-x1')
  assert.is(override.services.db.labels[LABEL.role], 'service')
  assert.is(override.services.db.mem_limit, SERVICE_LIMITS.mem_limit)
  assert.is(override.services.db.pids_limit, SERVICE_LIMITS.pids_limit)
  assert.is(override.services.web.mem_limit, undefined, 'a limit the task sets itself is kept')
  assert.is(override.volumes.data.labels[LABEL.interview], 'shop-x1')
  assert.equal(override.networks, { default: { external: { name: 'ie-shop-x1' } } })
})

test('every compose task in the repository passes these rules', () => {
  const composed = listImages().filter((image) => image.kind === 'task').map((image) => readComposeTask(image.name, image.dir)).filter(Boolean)
  assert.ok(composed.length >= 1, 'the repository ships at least one multi-service task')
})

test.run()
