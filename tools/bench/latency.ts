// The latency benchmark (bench/latency.mjs): how long one keystroke takes to echo back, over SSH
// with the shared tmux session (to the box's sshd, and through the host's front door), through the
// web gateway, and over plain SSH without tmux (the floor); and the web gateway's memory per
// connected browser.
import { connect as tcpConnect } from 'node:net'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ssh2 from 'ssh2'
import WebSocket from 'ws'
import { formatMiB, formatMs, median, percentile, recordBenchmark } from './common.ts'
import { runInterview } from '../interviews/start.ts'
import { stopInterviews } from '../interviews/stop.ts'
import { newKeyPair } from '../core/ssh-keys.ts'
import { ensureGateway } from '../web/daemon.ts'
import { ensureDoor } from '../door/daemon.ts'
import { sleep } from '../core/sleep.ts'

/** Something keys can be typed into, whose output can be watched. */
interface Terminal {
  send(data: string): void
  onData(listener: (chunk: string) => void): void
  close(): void
}

/** Types `x` again and again, timing each echo; clears the line every 40 keystrokes. */
async function echoTimes(terminal: Terminal, count: number): Promise<number[]> {
  let waiting: ((chunk: string) => void) | undefined
  terminal.onData((chunk) => waiting?.(chunk))
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now()
      const timer = setTimeout(() => reject(new Error('no echo within 2 s')), 2000)
      waiting = (chunk) => {
        if (!chunk.includes('x')) return
        clearTimeout(timer)
        waiting = undefined
        resolve(performance.now() - start)
      }
      terminal.send('x')
    })
  const times: number[] = []
  for (let i = 0; i < count + 20; i++) {
    if (i % 40 === 39) {
      terminal.send('\x15')
      await sleep(30)
    }
    const ms = await once()
    if (i >= 20) times.push(ms)
    await sleep(2)
  }
  return times
}

function sshTerminal(port: number, privateKey: string, command?: string, username = 'user'): Promise<Terminal> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client()
    client.on('error', reject)
    client.on('ready', () => {
      const done = (error: Error | undefined, stream: ssh2.ClientChannel) => {
        if (error) return reject(error)
        resolve({
          send: (data) => stream.write(data),
          onData: (listener) => stream.on('data', (chunk: Buffer) => listener(chunk.toString())),
          close: () => client.end(),
        })
      }
      const pty = { term: 'xterm-256color', cols: 120, rows: 40 }
      if (command) client.exec(command, { pty }, done)
      else client.shell(pty, done)
    })
    // Like OpenSSH for interactive sessions: no Nagle delay on keystrokes.
    const sock = tcpConnect({ host: '127.0.0.1', port, noDelay: true })
    client.connect({ sock, username, privateKey })
  })
}

function webTerminal(link: string, gatewayUrl: string): Promise<Terminal> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(link.replace(/^http/, 'ws').replace('/i/', '/ws/'), { headers: { origin: gatewayUrl } })
    socket.on('error', reject)
    socket.on('message', (data, binary) => {
      if (binary) return
      socket.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }))
      resolve({
        send: (data) => socket.send(Buffer.from(data), { binary: true }),
        onData: (listener) => socket.on('message', (chunk, isBinary) => isBinary && listener(chunk.toString())),
        close: () => socket.close(),
      })
    })
  })
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024

export async function benchmarkLatency(options: { keystrokes: number; browsers: number; write?: boolean }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'latency-'))
  const pair = newKeyPair('latency')
  writeFileSync(join(dir, 'id.pub'), pair.publicKey)
  // A gateway of its own, in its own process, so that its memory can be read.
  const gateway = await ensureGateway('127.0.0.1', 7790 + Math.floor(Math.random() * 100), () => {})
  if (!gateway.pid) throw new Error(`a gateway already answers on ${gateway.url}: run the benchmark again`)
  const gatewayUrl = gateway.url
  const name = `bench-latency-${process.pid}`
  // Both SSH paths are recorded, as interviews are: the door writes each keystroke to the timeline.
  process.env.INTERVIEW_ENV_RECORDINGS ??= join(dir, 'recordings')
  // The same image behind the front door (its own door process, on a port of its own).
  const doorPort = 7890 + Math.floor(Math.random() * 100)
  const started = await ensureDoor('127.0.0.1', doorPort, () => {})
  if (!started.pid) throw new Error(`a front door already answers on port ${doorPort}: run the benchmark again`)
  const door = { port: doorPort, start: async () => started.fingerprint }
  const doorName = `${name}-door`
  try {
    const interview = await runInterview('base', { name, keys: [join(dir, 'id.pub')], webGateway: gatewayUrl, record: true, log: () => {} })
    await runInterview('base', { name: doorName, keys: [join(dir, 'id.pub')], door, record: true, log: () => {} })
    const paths: [string, () => Promise<Terminal>][] = [
      ['plain SSH, no tmux (floor)', () => sshTerminal(interview.port, pair.privateKey, 'bash --norc --noprofile -i')],
      ['SSH with the shared tmux session', () => sshTerminal(interview.port, pair.privateKey)],
      ['SSH through the front door (the default), shared tmux session', () => sshTerminal(doorPort, pair.privateKey, undefined, doorName)],
      ['browser link through the web gateway', () => webTerminal(interview.web!.candidate, gatewayUrl)],
    ]
    const results: [string, number[]][] = []
    for (const [label, open] of paths) {
      const terminal = await open()
      await sleep(1500)
      results.push([label, await echoTimes(terminal, options.keystrokes)])
      terminal.close()
      await sleep(500)
    }
    // Memory: the gateway's resident size before and after N more browsers attach.
    const before = rssOf(gateway.pid)
    const browsers = await Promise.all(Array.from({ length: options.browsers }, () => webTerminal(interview.web!.observer, gatewayUrl)))
    await sleep(3000)
    const after = rssOf(gateway.pid)
    browsers.forEach((b) => b.close())

    const tmuxP95 = percentile(results[1]![1], 95)
    const rows = results.map(([label, times]) => [
      label,
      formatMs(median(times)),
      formatMs(percentile(times, 95)),
      formatMs(percentile(times, 99)),
      formatMs(Math.max(...times)),
      label.startsWith('browser') || label.includes('front door')
        ? `${percentile(times, 95) >= tmuxP95 ? '+' : '−'}${formatMs(Math.abs(percentile(times, 95) - tmuxP95))} p95 against SSH+tmux`
        : '',
    ])
    rows.push([
      `web gateway memory per connected browser (${options.browsers} observers)`,
      `${Math.round((after - before) / options.browsers / 1024)} KiB`,
      '',
      '',
      '',
      `gateway RSS ${formatMiB(before)} → ${formatMiB(after)}`,
    ])
    return recordBenchmark(
      'Keystroke echo latency (loopback)',
      `one interview, ${options.keystrokes} keystrokes per path`,
      ['path', 'median', 'p95', 'p99', 'max', 'note'],
      rows,
      options.write,
    )
  } finally {
    await stopInterviews([name, doorName]).catch(() => undefined)
    process.kill(gateway.pid)
    process.kill(started.pid)
  }
}
