#!/usr/bin/env zx
// scripts/record.mjs: the host's recorder, which records every running interview of the recordings
// root (run starts it in the background when it is not running; there is rarely a reason to start
// it by hand). With an interview, records that one alone, until it ends.
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { connectDocker } = await import('../tools/engine/docker.ts')
const { engineOption, useEngineOf } = await import('../tools/interviews/engine-of.ts')
const { stopInterviews } = await import('../tools/interviews/stop.ts')
const { interviewContainer } = await import('../tools/interviews/find.ts')
const { recordInterview } = await import('../tools/recording/recorder.ts')
const { runHostRecorder } = await import('../tools/recording/host-recorder.ts')
const { recordingDir, recordingsRoot } = await import('../tools/recording/paths.ts')

/** @param {string} line */
const log = (line) => console.log(`${new Date().toISOString()} ${line}`)
/** @param {string} name */
let expire = async (name) => void (await stopInterviews([name], { waitForRecorder: false }))
let exit = false

await cli(
  import.meta.url,
  '[interview]',
  'Record the shared terminal of every running interview to recordings/<interview>/, and enforce their time limits; or of <interview> alone, until it ends.',
  (y) =>
    y
      .positional('interview', { type: 'string', describe: 'Record this interview alone' })
      .option('root', { type: 'string', describe: 'Recordings root: record the interviews recorded under it (default: recordings/)' })
      .option('idle-minutes', { type: 'number', default: 10, describe: 'End after this long with nothing to record (0: never)' })
      .option('dir', { type: 'string', describe: 'With <interview>: folder of the recording (default: recordings/<interview>)' })
      .option('ends-at', { type: 'number', describe: 'With <interview>: end of the time limit, in ms since the epoch' })
      .option('engine', { ...engineOption, describe: `With <interview>: ${engineOption.describe}` }),
  async (argv) => {
    if (argv.interview && argv.engine === 'swarm') {
      const { stopSwarmInterviews } = await import('../tools/interviews/swarm.ts')
      expire = async (name) => void (await stopSwarmInterviews([name], { waitForRecorder: false }))
    }
    if (argv.interview) await useEngineOf(argv.interview, argv.engine)
    const docker = await connectDocker()
    if (argv.interview) {
      const container = await interviewContainer(docker, argv.interview)
      return recordInterview(docker, container, argv.dir ?? recordingDir(argv.interview), {
        endsAt: argv.endsAt,
        expire,
        log,
      })
    }
    const stop = new Promise((resolve) => ['SIGTERM', 'SIGINT'].forEach((signal) => process.once(signal, resolve)))
    await runHostRecorder(docker, {
      root: argv.root ?? recordingsRoot(),
      idleExitMs: argv.idleMinutes * 60_000,
      expire,
      log,
      stop,
    })
    exit = true
  },
)
// The exec streams of unfinished recordings would keep the process alive after a SIGTERM.
if (exit) process.exit()
