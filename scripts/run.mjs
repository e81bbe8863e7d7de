#!/usr/bin/env zx
// scripts/run.mjs: start an interview of a task and print how to join it
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { runInterview } = await import('../tools/interviews/start.ts')
const { connectionCard, connectionJson } = await import('../tools/interviews/card.ts')
const { ensureGateway } = await import('../tools/web/daemon.ts')
const { parseDuration } = await import('../tools/recording/purge.ts')
const { ensureFrontDoor } = await import('../tools/cockpit/daemon.ts')
const { DOOR_PORT } = await import('../tools/door/serve.ts')

await cli(
  import.meta.url,
  '<task>',
  'Start an interview of <task> (base, desktop, or a folder of images/tasks), building its image if needed.\n' +
    'Prints the ssh command and password to give the candidate; everyone who logs in shares one terminal.\n' +
    'A desktop task (built on images/desktop) also gets a shared desktop in the browser, with its own passwords.',
  (y) =>
    y
      .positional('task', { type: 'string', demandOption: true, describe: 'Image to run: base or a task name' })
      .option('variant', {
        type: 'string',
        describe: "Which of the task's variants (faults) to start (default: one at random; see the README's catalog)",
      })
      .option('name', { type: 'string', describe: 'Interview name (default: <task>-<random>)' })
      .option('port', { type: 'number', describe: "With --no-door: host port for the box's own sshd (default: a free one)" })
      .option('bind', {
        type: 'string',
        describe: 'Host address the door (or the box, with --no-door) listens on (default 127.0.0.1; on a Swarm, the node decides)',
      })
      .option('password', { type: 'string', describe: 'Password for `user` (default: a strong random one); --no-password for keys only' })
      .option('key', { type: 'string', array: true, describe: 'Public key file allowed to log in (repeatable)' })
      .option('interviewer', {
        type: 'string',
        array: true,
        describe: 'Public key file of an interviewer: can type, known by its key (repeatable)',
      })
      .option('observer', { type: 'string', array: true, describe: 'Public key file of an observer: read-only (repeatable)' })
      .option('record', {
        type: 'boolean',
        describe: 'Record the shared terminal to recordings/<name>/ (default; --no-record: do not)',
      })
      .option('ttl', { type: 'string', describe: 'Time limit, e.g. 90m or 1h30m: warnings at 10 and 2 minutes, then the interview stops' })
      .option('memory', { type: 'string', describe: 'Memory limit (default 1g; 4g for a desktop)' })
      .option('cpus', { type: 'number', describe: 'CPU limit (default 1; 2 for a desktop)' })
      .option('pids', { type: 'number', describe: 'Process and thread limit (default 512; 4096 for a desktop)' })
      .option('disk', {
        type: 'string',
        describe: 'Cap on what the interview writes, each service too (default 4g; 8g for a desktop; none)',
      })
      .option('egress', {
        type: 'string',
        choices: ['none', 'internet', 'all'],
        describe: 'What it may reach: none, internet (public addresses only, the default), or all (no fence)',
      })
      .option('mirror', { type: 'string', describe: 'Debian mirror for building the base OS when it cannot be pulled' })
      .option('exec', {
        type: 'boolean',
        default: true,
        describe: 'Let the candidate run commands, scp and sftp without the shared terminal, traced (--no-exec: refuse them)',
      })
      .option('web', { type: 'boolean', describe: 'Also give browser links (candidate and observer) through the web gateway' })
      .option('web-port', {
        type: 'number',
        default: 7680,
        describe: "Port of the server's web gateway and cockpit (started if none answers)",
      })
      .option('door', {
        type: 'boolean',
        describe:
          "Participants come in through the host's SSH front door (ssh -p DOOR-PORT <name>@host), started with the whole server (scripts/serve.mjs) when nothing serves its port or --web-port; --no-door: through the box's own sshd, published on --port",
      })
      .option('door-port', { type: 'number', default: DOOR_PORT, describe: 'Port of the front door (started if none answers)' })
      .option('engine', {
        type: 'string',
        choices: ['docker', 'swarm'],
        default: 'docker',
        describe:
          'Where the box runs: the interview engine, or a Docker Swarm (the local cluster of cluster.mjs, or DOCKER_HOST as a Swarm manager; docs/cluster.md)',
      })
      .option('constraint', {
        type: 'string',
        array: true,
        describe: 'With --engine swarm: a placement constraint, e.g. node.hostname==ie-worker1 (repeatable)',
      })
      .option('json', { type: 'boolean', describe: 'Print the details as one JSON object' }),
  async (argv) => {
    // On a Swarm too, people come in through the front door on this host (docs/cluster.md).
    const useDoor = argv.door ?? true
    const record = argv.record ?? true
    const bind = argv.bind ?? '127.0.0.1'
    const password = /** @type {string | boolean | undefined} */ (argv.password)
    const gateway = async () => (await ensureGateway(bind, argv.webPort, (line) => console.error(line))).url
    const door = useDoor
      ? {
          port: argv.doorPort,
          start: async () =>
            (await ensureFrontDoor({ bind, doorPort: argv.doorPort, webPort: argv.webPort }, (line) => console.error(line))).fingerprint,
        }
      : undefined
    const details = await runInterview(argv.task, {
      door,
      web: argv.web,
      gateway,
      name: argv.name,
      variant: argv.variant,
      port: argv.port,
      bind: argv.bind,
      password: password === false ? false : password === undefined ? undefined : String(password),
      keys: argv.key,
      interviewers: argv.interviewer,
      observers: argv.observer,
      noExec: !argv.exec,
      record,
      engine: /** @type {'docker' | 'swarm'} */ (argv.engine),
      constraints: argv.constraint,
      ttlMs: argv.ttl === undefined ? undefined : parseDuration(argv.ttl),
      limits: { memory: argv.memory, cpus: argv.cpus, pids: argv.pids, disk: argv.disk },
      egress: /** @type {'none' | 'internet' | 'all' | undefined} */ (argv.egress),
      mirror: argv.mirror,
    })
    console.log(argv.json ? JSON.stringify(connectionJson(details)) : connectionCard(details))
  },
)
