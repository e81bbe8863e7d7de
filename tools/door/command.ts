// A command run through the front door without the shared terminal (`ssh HOST CMD`, `ssh -T HOST`,
// scp and sftp): traced on the timeline with who ran it and its exit status, and announced on the
// shared terminal's status line, as the box's login gate does; refused to an observer, and to the
// candidate of an interview started with --no-exec.
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import type { ServerChannel } from 'ssh2'
import { execIn } from '../engine/docker.ts'
import { participantEnv, timelineOf, type Participant } from './participant.ts'
import type { Pty } from './shell.ts'

/** What the person asked for: a command line, a shell without a terminal (''), or sftp. */
export type Request = { command: string } | { sftp: true }

const SFTP_SERVER = '/usr/lib/openssh/sftp-server'

/** The request as the timeline and the status line name it. */
export function describeRequest(request: Request): string {
  if ('sftp' in request) return 'sftp'
  if (!request.command) return 'a shell without a terminal'
  return request.command.replace(/[\n\r\t]/g, ' ').slice(0, 300)
}

/** Why `participant` may not run `request`, or undefined when they may. */
export function refusal(participant: Participant): string | undefined {
  if (participant.role === 'observer') return "observers only watch: log in with a plain 'ssh' (no command, scp or sftp)"
  if (!participant.mayExec)
    return "commands, scp and sftp are off in this interview: log in with a plain 'ssh' and work in the shared terminal"
  return undefined
}

/** Shows `message` on every client's status line of the shared session. */
async function announce(container: Docker.Container, message: string): Promise<void> {
  const script = `for c in $(tmux list-clients -t interview -F '#{client_tty}' 2>/dev/null); do tmux display-message -d 8000 -c "$c" -- "$1" 2>/dev/null; done; true`
  await execIn(container, ['sh', '-c', script, 'announce', message.replace(/#/g, '##')], { user: 'user' }).catch(() => undefined)
}

/** Runs `request` for `participant` on `channel`, traced; ends the channel with the exit status. */
export async function runRequest(participant: Participant, channel: ServerChannel, request: Request, session: string, pty?: Pty) {
  const what = describeRequest(request)
  const timeline = timelineOf(participant, session)
  const who = `${participant.who} (${participant.role})`
  const refused = refusal(participant)
  if (refused) {
    timeline.event('exec', {
      login: session,
      command: what,
      refused: participant.role === 'observer' ? 'observer' : 'run --no-exec',
    })
    if (participant.role !== 'observer') void announce(participant.container, `${who} was refused: ${what} (run --no-exec)`)
    timeline.close()
    channel.stderr.write(`interview-env: ${refused}\r\n`)
    channel.exit(1)
    return channel.end()
  }
  const cmd = 'sftp' in request ? [SFTP_SERVER] : request.command ? ['/bin/bash', '-c', request.command] : ['/bin/bash', '-l']
  const tty = !!pty && !('sftp' in request)
  timeline.event('exec', { login: session, command: what })
  void announce(participant.container, `${who} runs outside the shared terminal: ${what}`)
  let status = 255
  try {
    const exec = await participant.container.exec({
      Cmd: cmd,
      User: 'user',
      WorkingDir: '/home/user',
      Env: [...participantEnv(participant, session), ...(tty ? [`TERM=${pty!.term || 'xterm-256color'}`] : [])],
      Tty: tty,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    })
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: tty })) as unknown as Duplex
    if (tty) await exec.resize({ w: pty!.cols || 80, h: pty!.rows || 24 }).catch(() => undefined)
    await pipe(participant.container, stream, channel, tty)
    status = (await exec.inspect()).ExitCode ?? 255
  } catch (error) {
    channel.stderr.write(`interview-env: could not run it: ${(error as Error).message}\r\n`)
  }
  timeline.event('exec', { login: session, command: what, status })
  timeline.close()
  void announce(participant.container, `${who} finished: ${what} (exit ${status})`)
  channel.exit(status)
  channel.end()
}

/** Passes bytes both ways until the command's output ends; the channel's end is the command's end of input. */
function pipe(container: Docker.Container, stream: Duplex, channel: ServerChannel, tty: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (tty) stream.pipe(channel, { end: false })
    else {
      const stdout = new PassThrough()
      const stderr = new PassThrough()
      stdout.pipe(channel, { end: false })
      stderr.pipe(channel.stderr, { end: false })
      container.modem.demuxStream(stream, stdout, stderr)
    }
    channel.pipe(stream, { end: false })
    // The client sent all it will: the command sees the end of its input (a half-close).
    channel.on('end', () => stream.end())
    channel.on('close', () => stream.destroy())
    stream.on('end', () => resolve())
    stream.on('close', () => resolve())
    stream.on('error', () => resolve())
  })
}
