import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { composeOverride, readComposeTask, SERVICE_LIMITS, type ComposeTask } from '../tasks/compose-file.ts'
import { checkResolvedFile, composeCommand } from '../tasks/compose.ts'
import { interpolate, parseDotenv } from '../tasks/compose-interpolate.ts'
import { CommandError } from '../core/errors.ts'
import { UserError } from '../core/errors.ts'
import { LABEL } from '../engine/names.ts'
import { listImages } from '../images/list.ts'

/** A task folder with a compose.yaml of `services` (each built from services/<name>) and a .dockerignore. */
function taskWith(
  services: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  ignore = 'solution\ncompose.yaml\nservices\n',
): string {
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
  assert.throws(
    () => readComposeTask('shop', dir),
    (e: unknown) => e instanceof UserError && message.test(e.message),
    String(message),
  )

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
  for (const key of [
    'ports',
    'privileged',
    'network_mode',
    'pid',
    'cap_add',
    'devices',
    'security_opt',
    'networks',
    'userns_mode',
    'container_name',
  ]) {
    rejects(taskWith({ db: { build: 'services/db', [key]: key === 'privileged' ? true : ['x'] } }), new RegExp(`service "db" sets ${key}`))
  }
  rejects(taskWith({ db: { build: 'services/db', volumes: ['/:/host'] } }), /service "db" volumes mounts a host path \(\/\)/)
  rejects(taskWith({ db: { build: 'services/db', volumes: ['./data:/data'] } }), /mounts a host path \(\.\/data\)/)
  rejects(taskWith({ db: { build: 'services/db', volumes: ['~/x:/data'] } }), /mounts a host path \(~\/x\)/)
  rejects(taskWith({ db: { build: 'services/db', volumes: [{ type: 'bind', source: 'data', target: '/d' }] } }), /mounts a host path/)
  rejects(taskWith({ db: { build: 'services/db' } }, { networks: { back: {} } }), /declares networks/)
})

// The red team's shapes: each passed the check before it resolved the file as Compose does.
const ATTACKS: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
  [
    'interpolation',
    { db: { build: 'services/db', volumes: ['${HOME}:/host-home'] } },
    {},
    /compose\.yaml: service "db" volumes mounts a host path \(\/[^)]*\)/,
  ],
  [
    'a default',
    { db: { build: 'services/db', volumes: ['${NOT_SET_ANYWHERE:-/etc}:/x'] } },
    {},
    /service "db" volumes mounts a host path \(\/etc\)/,
  ],
  [
    'long syntax',
    { db: { build: 'services/db', volumes: [{ type: 'volume', source: '${HOME}', target: '/h' }] } },
    {},
    /service "db" volumes mounts a host path/,
  ],
  [
    'driver options',
    { db: { build: 'services/db', volumes: ['data:/d'] } },
    { volumes: { data: { driver_opts: { type: 'none', o: 'bind', device: '/etc' } } } },
    /compose\.yaml: volumes\.data\.driver_opts can bind a host folder \(\/etc\)/,
  ],
  [
    'an external volume',
    { db: { build: 'services/db', volumes: ['data:/d'] } },
    { volumes: { data: { external: true } } },
    /volumes\.data\.external/,
  ],
  [
    "another volume's name",
    { db: { build: 'services/db', volumes: ['data:/d'] } },
    { volumes: { data: { name: 'ie-other-interview_data' } } },
    /volumes\.data\.name/,
  ],
  [
    'a secret',
    { db: { build: 'services/db' } },
    { secrets: { x: { file: '/etc/shadow' } } },
    /compose\.yaml: secrets\.x\.file reads the host file \/etc\/shadow/,
  ],
  ["a service's secret", { db: { build: 'services/db', secrets: ['x'] } }, {}, /service "db" secrets reads host files/],
  [
    'a config',
    { db: { build: 'services/db' } },
    { configs: { c: { file: '../../../etc/passwd' } } },
    /configs\.c\.file reads the host file/,
  ],
  [
    'an env file',
    { db: { build: 'services/db', env_file: '/etc/shadow' } },
    {},
    /service "db" env_file reads \/etc\/shadow, outside the task folder/,
  ],
  [
    'an env file up the tree',
    { db: { build: 'services/db', env_file: ['../../x.env'] } },
    {},
    /service "db" env_file reads \.\.\/\.\.\/x\.env/,
  ],
  ['an interpolated env file', { db: { build: 'services/db', env_file: '${HOME}/.bashrc' } }, {}, /service "db" env_file reads \//],
  [
    'extends',
    { db: { build: 'services/db', extends: { file: '/etc/other.yaml', service: 'x' } } },
    {},
    /service "db" extends reads another compose file/,
  ],
  [
    'an undeclared volume',
    { db: { build: 'services/db', volumes: ['data:/d'] } },
    {},
    /mounts volume "data", which the file does not declare/,
  ],
]

test('the file is judged as Compose resolves it: host paths behind variables, volume options, secrets, configs, env files', () => {
  for (const [, services, extra, message] of ATTACKS) rejects(taskWith(services, extra), message)
  const unresolvable = taskWith({ db: { build: 'services/db', environment: { X: '${NEEDED:?set NEEDED}' } } })
  rejects(unresolvable, /cannot be resolved as Compose would: NEEDED is required: set NEEDED/)
})

test('what a task may do stays allowed: its own env files, declared volumes, tmpfs, escaped dollars, defaults', () => {
  const dir = taskWith(
    {
      db: {
        build: 'services/db',
        env_file: 'services/db/db.env',
        volumes: ['data:/d', '/anonymous', { type: 'tmpfs', target: '/t' }],
        healthcheck: { test: 'kill -0 $$(cat /run/x.pid)' },
        environment: { F: '${UNSET_HERE:-}' },
      },
    },
    { volumes: { data: {} } },
  )
  writeFileSync(join(dir, 'services/db/db.env'), 'A=1\n')
  const task = readComposeTask('shop', dir)!
  assert.is(task.raw.services.db.healthcheck.test, 'kill -0 $(cat /run/x.pid)')
  assert.equal(task.volumes, ['data'])
})

test("the task folder's .env takes part in interpolation, under the shell's environment", () => {
  const dir = taskWith({ db: { build: 'services/db', volumes: ['${WHERE}:/d'] } }, { volumes: { data: {} } })
  writeFileSync(join(dir, '.env'), 'WHERE=/etc\n')
  rejects(dir, /mounts a host path \(\/etc\)/)
  writeFileSync(join(dir, '.env'), '# a named volume\nexport WHERE="data"\n')
  assert.equal(readComposeTask('shop', dir)!.volumes, ['data'])
  assert.equal(parseDotenv("A='x y'\nB=z # note\n#C=1\n"), { A: 'x y', B: 'z' })
  assert.is(interpolate('${A:-${B}}-$A-${C+set}-$$', { B: 'b', A: '', C: '' }), 'b--set-$')
})

test('the real compose config judges the file too, for shapes the written file hides', async () => {
  await composeCommand()
  for (const [what, services, extra] of ATTACKS) {
    // Compose reads env files into environment: only the written file shows them (checked above).
    if ((services.db as Record<string, unknown>).env_file) continue
    const dir = taskWith(services, extra)
    const task: ComposeTask = { task: 'shop', dir, file: join(dir, 'compose.yaml'), version: '2.4', services: [], volumes: [], raw: {} }
    let refused: unknown
    await checkResolvedFile(task).catch((error: unknown) => (refused = error))
    assert.ok(refused instanceof UserError || refused instanceof CommandError, `compose config let ${what} through`)
  }
  const shop = listImages().find((image) => image.name === 'shop-outage')!
  await checkResolvedFile(readComposeTask('shop-outage', shop.dir)!)
})

test("a service may not take the box's name, build outside its own folder, or hide from .dockerignore", () => {
  rejects(taskWith({ box: { build: 'services/box' } }), /service "box" is the candidate's machine/)
  rejects(taskWith({ db: { build: '../elsewhere' } }), /builds from \.\.\/elsewhere, outside the task folder/)
  rejects(taskWith({ db: { build: '.' } }), /builds from the task folder itself/)
  rejects(
    taskWith({ db: { build: 'services/db' } }, {}, 'solution\ncompose.yaml\n'),
    /services\/ \(service "db"\) is not listed in .*\.dockerignore/,
  )
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

test("the override labels every service and volume as the interview's, adds default limits, and joins its network", () => {
  const task = readComposeTask(
    'shop',
    taskWith(
      { db: { build: 'services/db', volumes: ['data:/var/lib/data'] }, web: { build: 'services/web', mem_limit: '128m' } },
      { volumes: { data: {} } },
    ),
  )!
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
  const composed = listImages()
    .filter((image) => image.kind === 'task')
    .map((image) => readComposeTask(image.name, image.dir))
    .filter(Boolean)
  assert.ok(composed.length >= 1, 'the repository ships at least one multi-service task')
})

test.run()
