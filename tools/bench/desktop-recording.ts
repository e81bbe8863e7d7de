// The desktop recording's benchmark (bench/desktop-recording.mjs): how fast desktop.rfb grows per
// minute with the screen idle, with a line a second (someone typing), and with a full-screen redraw
// twice a second (top), and what the recorder costs in CPU. Same interview, same run, medians.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { median, recordBenchmark } from './common.ts'
import { connectDocker, execIn } from '../engine/docker.ts'
import { runInterview } from '../interviews/start.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { interviewContainer } from '../interviews/find.ts'
import { FILES } from '../recording/paths.ts'
import { hostRecorderPid } from '../recording/host-recorder.ts'
import { recordingsRoot } from '../recording/paths.ts'
import { sleep } from '../core/sleep.ts'
import { readFileSync } from 'node:fs'

const SCENARIOS = [
  { name: 'idle: nothing moves but the clock', command: '' },
  { name: 'a line a second in a terminal (someone typing)', command: 'while sleep 1; do date +%T.%N; done' },
  { name: 'a full-screen redraw twice a second (top -d 0.5)', command: 'top -d 0.5' },
] as const

const formatKiB = (bytes: number) => `${Math.round(bytes / 1024)} KiB`

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

export async function benchmarkDesktopRecording(options: {
  task: string
  seconds: number
  runs: number
  write?: boolean
}): Promise<string> {
  const docker = await connectDocker()
  const name = `bench-desktop-recording-${process.pid}`
  const rows: string[][] = []
  try {
    const details = await runInterview(options.task, { name, record: true, gateway: async () => 'http://127.0.0.1:1', log: () => {} })
    const container = await interviewContainer(docker, name)
    const file = join(details.recording!, FILES.desktop)
    const recorder = hostRecorderPid(recordingsRoot())
    await sleep(5000)
    for (const scenario of SCENARIOS) {
      await execIn(container, ['bash', '-c', 'pkill -f bench-window; true'], { user: 'user' })
      if (scenario.command)
        await execIn(
          container,
          [
            'bash',
            '-c',
            `DISPLAY=:1 setsid xfce4-terminal --disable-server --maximize --title=bench-window -x bash -c ${JSON.stringify(scenario.command)} >/dev/null 2>&1 &`,
          ],
          { user: 'user' },
        )
      if (scenario.command)
        for (let i = 0; i < 100; i++) {
          const shown = await execIn(container, ['bash', '-c', 'DISPLAY=:1 xwininfo -name bench-window 2>/dev/null'], { user: 'user' })
          if (shown.stdout.includes('IsViewable')) break
          await sleep(200)
        }
      await sleep(3000)
      const perMinute: number[] = []
      const cpu: number[] = []
      for (let run = 0; run < options.runs; run++) {
        const [size, used, start] = [statSync(file).size, recorder ? cpuSeconds(recorder) : 0, performance.now()]
        await sleep(options.seconds * 1000)
        const elapsed = (performance.now() - start) / 1000
        perMinute.push(((statSync(file).size - size) / elapsed) * 60)
        if (recorder) cpu.push(((cpuSeconds(recorder) - used) / elapsed) * 1000)
      }
      rows.push([
        scenario.name,
        `${formatKiB(median(perMinute))}/min`,
        `${options.runs} × ${options.seconds} s: ${perMinute.map((b) => formatKiB(b)).join(', ')}`,
        recorder ? `${median(cpu).toFixed(1)} ms/s` : 'n/a',
      ])
    }
  } finally {
    await stopInterviews([name]).catch(() => undefined)
  }
  return recordBenchmark(
    'Desktop recording',
    `Docker ${(await docker.version()).Version}, \`${options.task}\` at 1600×900, ZRLE, 5 update requests a second`,
    ['screen', 'desktop.rfb grows', 'runs', 'recorder CPU (all its interviews)'],
    rows,
    options.write,
  )
}
