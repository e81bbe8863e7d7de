// The task benchmark (bench/tasks.mjs): build time and image size of each task image.
import { $ } from 'zx'
import { formatMiB, formatMs, recordBenchmark } from './common.ts'
import { connectDocker } from '../engine/docker.ts'
import { listImages } from '../images/list.ts'
import { readTaskFolder } from '../tasks/task-folder.ts'

export async function benchmarkTasks(options: { write?: boolean } = {}): Promise<string> {
  const docker = await connectDocker()
  const base = await docker.getImage('interview-env/base').inspect()
  const rows: string[][] = []
  for (const image of listImages().filter((i) => i.kind === 'task')) {
    readTaskFolder(image.dir)
    const build = async (flags: string[]) => {
      const start = performance.now()
      await $({ quiet: true, cwd: image.dir })`docker build -q ${flags} -t ${image.tag} .`
      return performance.now() - start
    }
    const fresh = await build(['--no-cache'])
    const cached = await build([])
    const size = (await docker.getImage(image.tag).inspect()).Size
    rows.push([`\`${image.name}\``, formatMs(fresh), formatMs(cached), formatMiB(size), `+${formatMiB(size - base.Size)}`])
  }
  const machine = `the base image built and its layers cached (base: ${formatMiB(base.Size)})`
  return recordBenchmark(
    'Task images',
    machine,
    ['task', 'build, no cache', 'rebuild, cached', 'image size', 'over base'],
    rows,
    options.write,
  )
}
