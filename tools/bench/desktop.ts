// The desktop benchmark (bench/desktop.mjs): from `run` to a usable shared desktop, its idle
// memory, image size and build times, against the write-up's ~7 minutes of install on a VM.
import { $ } from 'zx'
import { launchChromium } from '../core/chromium.ts'
import { formatMiB, formatMs, idleMemory, median, recordBenchmark } from './common.ts'
import { connectDocker } from '../engine/docker.ts'
import { findImage } from '../images/list.ts'
import { runInterview } from '../interviews/start.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { containerName } from '../engine/names.ts'
import { startGateway } from '../web/gateway.ts'
import { sleep } from '../core/sleep.ts'

const WRITE_UP_INSTALL_MS = 7 * 60_000

export async function benchmarkDesktop(options: { task: string; runs: number; cold?: boolean; write?: boolean }): Promise<string> {
  const docker = await connectDocker()
  const gateway = await startGateway({ docker, port: 0 })
  const browser = await launchChromium()
  const ready: number[] = []
  const drawn: number[] = []
  const idle: number[] = []
  try {
    for (let run = 0; run < options.runs; run++) {
      const name = `bench-desktop-${run}`
      const start = performance.now()
      const details = await runInterview(options.task, { name, gateway: async () => gateway.url, log: () => {} })
      ready.push(performance.now() - start)
      // Usable = a real browser shows the drawn desktop (many colours, not a black frame).
      const page = await browser.newPage({ viewport: { width: 1280, height: 760 } })
      await page.goto(details.desktop!.link)
      await page.waitForFunction(
        () => {
          const canvas = document.querySelector('#screen canvas') as HTMLCanvasElement | null
          if (!canvas?.width) return false
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
          const colours = new Set<number>()
          for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!)
          return colours.size > 50
        },
        undefined,
        { timeout: 60_000, polling: 100 },
      )
      drawn.push(performance.now() - start)
      await page.close()
      await sleep(20_000)
      idle.push(idleMemory(await docker.getContainer(containerName(name)).stats({ stream: false })))
      await stopInterviews([name])
    }
  } finally {
    await browser.close()
    await gateway.close()
    await stopInterviews([], { all: true }).catch(() => undefined)
  }

  const build = async (image: string, flags: string[]) => {
    const start = performance.now()
    await $({ quiet: true, cwd: findImage(image).dir })`docker build -q ${flags} -t ${findImage(image).tag} .`
    return performance.now() - start
  }
  const cold = options.cold ? await build('desktop', ['--no-cache']) : undefined
  const warmDesktop = await build('desktop', [])
  const taskOnly = options.task === 'desktop' ? undefined : await build(options.task, ['--no-cache'])
  const size = async (image: string) => (await docker.getImage(findImage(image).tag).inspect()).Size
  const [baseSize, desktopSize, taskSize] = [await size('base'), await size('desktop'), await size(options.task)]

  const rows = [
    [
      `run → card printed (desktop, editor window, Jupyter up), \`${options.task}\``,
      `median ${formatMs(median(ready))}`,
      `${options.runs} runs, ${formatMs(Math.min(...ready))}–${formatMs(Math.max(...ready))}`,
    ],
    [
      'run → desktop drawn in a real browser (noVNC)',
      `median ${formatMs(median(drawn))}`,
      `the write-up: ~7 min of install, ${Math.round(WRITE_UP_INSTALL_MS / median(drawn))}× longer`,
    ],
    [
      'idle memory, 20 s after start (Xfce, Chromium + VS Code, Jupyter, VNC)',
      `median ${formatMiB(median(idle))}`,
      `max ${formatMiB(Math.max(...idle))}; limit 4 GiB`,
    ],
    [
      'image size',
      `${formatMiB(desktopSize)} desktop`,
      `${formatMiB(desktopSize - baseSize)} over base; ${options.task}: +${formatMiB(taskSize - desktopSize)}`,
    ],
    [
      'warm build of the desktop (layers cached)',
      formatMs(warmDesktop),
      cold === undefined ? 'cold build: run with --cold' : `cold build, no cache: ${formatMs(cold)}`,
    ],
    ...(taskOnly === undefined
      ? []
      : [[`build of \`${options.task}\` on a built desktop`, formatMs(taskOnly), 'its own layers, no cache']]),
  ]
  return recordBenchmark(
    'Shared desktop',
    `Docker ${(await docker.version()).Version}, the desktop image built`,
    ['measure', 'result', 'notes'],
    rows,
    options.write,
  )
}
