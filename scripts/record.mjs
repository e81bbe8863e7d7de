#!/usr/bin/env zx
// scripts/record.mjs: the recorder of one interview (run starts it in the background; there is
// rarely a reason to start it by hand). Ends by itself when the interview ends.
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { connectDocker } = await import('../tools/engine/docker.ts')
const { stopInterviews } = await import('../tools/interviews/stop.ts')
const { interviewContainer } = await import('../tools/interviews/find.ts')
const { recordInterview } = await import('../tools/recording/recorder.ts')
const { recordingDir } = await import('../tools/recording/paths.ts')
const { hintCountOf } = await import('../tools/tasks/task-folder.ts')

await cli(
  import.meta.url,
  '<interview>',
  'Record the shared terminal of <interview> to recordings/<interview>/ until it ends, and enforce its time limit.',
  (y) =>
    y
      .positional('interview', { type: 'string', demandOption: true, describe: 'Interview name' })
      .option('dir', { type: 'string', describe: 'Folder of the recording (default: recordings/<interview>)' })
      .option('ends-at', { type: 'number', describe: 'End of the time limit, in ms since the epoch' }),
  async (argv) => {
    const docker = await connectDocker()
    const container = await interviewContainer(docker, argv.interview)
    await recordInterview(docker, container, argv.dir ?? recordingDir(argv.interview), {
      endsAt: argv.endsAt,
      hintCount: hintCountOf,
      expire: async (name) => void (await stopInterviews([name], { waitForRecorder: false })),
      log: (line) => console.log(`${new Date().toISOString()} ${line}`),
    })
  },
)
