// The progress of a `docker build` (the classic builder's `Step N/M : ...` output) as one line per
// image and step with its elapsed time: rewritten in place on a terminal, printed once per finished
// step otherwise (CI logs, Nx). The full output goes to a log file instead of the screen.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where a build's output goes: all of it to .build-logs/<logName>.log, and to the screen one line per
 * step (or all of it when `verbose`). `finish` closes the log and says whether the build succeeded.
 */
export function buildOutput(root: string, image: string, logName: string, verbose = false) {
  const file = openBuildLog(root, logName)
  const progress = verbose ? undefined : new BuildProgress(image, process.stderr)
  return {
    path: file.path,
    write: (chunk: Buffer) => {
      file.write(chunk)
      if (progress) progress.feed(chunk.toString())
      else process.stderr.write(chunk)
    },
    finish: (ok: boolean) => {
      progress?.finish(ok)
      file.close()
    },
  }
}

/** Where the full output of an image's last build goes: .build-logs/<name>.log in the repository. */
export function openBuildLog(root: string, name: string): { path: string; write: (chunk: string | Buffer) => void; close: () => void } {
  mkdirSync(join(root, '.build-logs'), { recursive: true })
  const path = join(root, '.build-logs', `${name}.log`)
  const fd = openSync(path, 'w')
  return { path, write: (chunk) => void writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk), close: () => closeSync(fd) }
}

export interface Step {
  number: number
  total: number
  instruction: string
}

export interface ProgressOutput {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

/** The step a line of the classic builder's output starts, if it starts one. */
export function parseStep(line: string): Step | undefined {
  const match = /^Step (\d+)\/(\d+) : (.*)$/.exec(line.trim())
  return match ? { number: Number(match[1]), total: Number(match[2]), instruction: match[3]! } : undefined
}

/** `base  step 3/9  RUN apt-get install ...  12.3s`, cut to `width` columns. */
export function stepLine(image: string, step: Step, ms: number, note = '', width = 100): string {
  const head = `${image}  step ${step.number}/${step.total}  `
  const tail = `  ${(ms / 1000).toFixed(1)}s${note ? `  ${note}` : ''}`
  // eslint-disable-next-line no-control-regex
  const text = step.instruction.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ').replace(/\s+/g, ' ')
  const room = Math.max(12, width - head.length - tail.length)
  return head + (text.length > room ? `${text.slice(0, room - 3)}...` : text) + tail
}

/** Follows one image's build output and prints its steps. */
export class BuildProgress {
  private step: Step | undefined
  private started = 0
  private cached = false
  private partial = ''
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly task: string

  constructor(
    private image: string,
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
  ) {
    this.task = image
  }

  /** A chunk of the build's output (stdout or stderr). */
  feed(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r?\n/)
    this.partial = lines.pop()!
    for (const line of lines) this.line(line)
  }

  /** The build is over: the last step's line is printed, marked `failed` unless it succeeded. */
  finish(ok: boolean): void {
    if (this.partial) this.line(this.partial)
    this.partial = ''
    this.endStep(ok ? '' : 'failed')
  }

  private line(line: string): void {
    const step = parseStep(line)
    if (step) {
      this.endStep('')
      this.step = step
      this.started = this.now()
      this.cached = false
      if (this.out.isTTY) {
        this.draw()
        this.timer = setInterval(() => this.draw(), 200)
        this.timer.unref?.()
      }
    } else if (/^Building [a-z0-9-]+$/.test(line.trim())) {
      // Compose builds several images in one run: `Building db`, then db's steps.
      this.endStep('')
      this.image = `${this.task}-${line.trim().slice('Building '.length)}`
    } else if (/^\s*---> Using cache$/.test(line)) {
      this.cached = true
    }
  }

  private text(note: string): string {
    return stepLine(this.image, this.step!, this.now() - this.started, note, (this.out.columns ?? 100) - 1)
  }

  private draw(): void {
    if (this.step) this.out.write(`\r\x1b[K${this.text(this.cached ? 'cached' : '')}`)
  }

  private endStep(failed: string): void {
    if (!this.step) return
    clearInterval(this.timer)
    this.timer = undefined
    const line = this.text(failed || (this.cached ? 'cached' : ''))
    this.out.write(this.out.isTTY ? `\r\x1b[K${line}\n` : `${line}\n`)
    this.step = undefined
  }
}
