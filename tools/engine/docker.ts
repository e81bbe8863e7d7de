// The Docker engine, behind a few small functions.
import Docker from 'dockerode'
import { PassThrough, type Duplex } from 'node:stream'
import { UserError } from '../core/errors.ts'

export type { Docker }

/** A client for the engine the `docker` CLI would use (DOCKER_HOST or the local socket), known to answer. */
export async function connectDocker(): Promise<Docker> {
  const docker = new Docker()
  try {
    await docker.ping()
  } catch (error) {
    const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock'
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new UserError(
      `cannot reach the Docker daemon at ${where} (${reason})`,
      'start it with `sudo systemctl start docker` (or `sudo dockerd --userns-remap=default &`), and check that you may use it: `docker info`',
    )
  }
  return docker
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs a command in a running container and collects what it prints. */
export async function execIn(
  container: Docker.Container,
  cmd: string[],
  options: { user?: string; env?: string[]; /** Fails (and ends the exec's stream) past this much output. */ maxBytes?: number } = {},
): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: cmd,
    User: options.user ?? 'root',
    Env: options.env,
    AttachStdout: true,
    AttachStderr: true,
  })
  const stream = await exec.start({ hijack: true, stdin: false })
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  let size = 0
  let tooMuch = false
  const collect = (into: Buffer[]) => (chunk: Buffer) => {
    size += chunk.length
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      tooMuch = true
      return stream.destroy()
    }
    into.push(chunk)
  }
  stdout.on('data', collect(out))
  stderr.on('data', collect(err))
  container.modem.demuxStream(stream, stdout, stderr)
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve)
    stream.on('close', resolve)
    stream.on('error', reject)
  })
  if (tooMuch) throw new Error(`${cmd.join(' ')} printed more than ${options.maxBytes} bytes`)
  const { ExitCode } = await exec.inspect()
  return { exitCode: ExitCode ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}

/** Whether an image exists locally. */
export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect()
    return true
  } catch {
    return false
  }
}

/** The last lines a container printed, for error messages. */
export async function containerLogs(container: Docker.Container, tail = 20): Promise<string> {
  try {
    const buffer = (await container.logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer
    // Without a TTY the log stream is multiplexed: 8-byte frame headers before each chunk.
    const chunks: string[] = []
    for (let i = 0; i + 8 <= buffer.length;) {
      const size = buffer.readUInt32BE(i + 4)
      chunks.push(buffer.subarray(i + 8, i + 8 + size).toString())
      i += 8 + size
    }
    return chunks.join('')
  } catch {
    return ''
  }
}

/**
 * A connection to the desktop's VNC server (127.0.0.1:5901 inside the box) through `docker exec
 * socat`, so nothing of the desktop is published: the engine's multiplexed stream (demux its output).
 */
export async function connectToVnc(container: Docker.Container): Promise<Duplex> {
  const exec = await container.exec({
    Cmd: ['socat', 'STDIO', 'TCP:127.0.0.1:5901'],
    User: 'user',
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  })
  return (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex
}
