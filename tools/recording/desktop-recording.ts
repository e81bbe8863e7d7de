// A desktop task's screen, recorded by the host recorder beside the terminal's cast, outside the
// candidate's reach: a VNC client of the recorder's own, through `docker exec socat` (nothing is
// published), with the view-only password (so it can neither type nor receive the clipboard). It
// asks for the screen's changes five times a second and keeps what the server sends, timestamped on
// the cast's clock, in desktop.rfb. noVNC replays the file (cockpit's replay).
//
// desktop.rfb is a list of records: kind (1 byte), time in ms since the recording started (4 bytes),
// length (4 bytes, big-endian), then the bytes. Kind 0 starts a segment: a handshake noVNC accepts
// without a password, and the server's ServerInit. Kind 1 is what the server sent next. Every
// connection is a segment (its compression starts afresh), so a recorder restarted after a kill,
// or a VNC server that restarted, starts a new one on the same clock.
import { closeSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { connectToVnc } from '../engine/docker.ts'
import { sleep } from '../core/sleep.ts'
import { FILES } from './paths.ts'
import { ByteReader, framebufferUpdateRequest, rfbHandshake, replayHandshake, setEncodings, setPixelFormat } from './rfb.ts'

export const DESKTOP_RECORDING = {
  requestsPerSecond: 5,
  reconnectMs: 2000,
  /** A handshake that takes longer is given up (and tried again). */
  handshakeMs: 10_000,
  /** The most desktop.rfb holds: about three hours of full-screen redraws. */
  maxBytes: 1024 ** 3,
} as const

export const RECORD = { segment: 0, data: 1 } as const

/** One record of desktop.rfb. */
export function desktopRecord(kind: number, ms: number, bytes: Buffer): Buffer {
  const head = Buffer.alloc(9)
  head.writeUInt8(kind, 0)
  head.writeUInt32BE(Math.max(0, Math.round(ms)), 1)
  head.writeUInt32BE(bytes.length, 5)
  return Buffer.concat([head, bytes])
}

/** The records of a desktop.rfb, in order (a record cut short at the end is left out). */
export function readDesktopRecords(file: Buffer): { kind: number; ms: number; bytes: Buffer }[] {
  const records: { kind: number; ms: number; bytes: Buffer }[] = []
  for (let at = 0; at + 9 <= file.length;) {
    const length = file.readUInt32BE(at + 5)
    if (at + 9 + length > file.length) break
    records.push({ kind: file.readUInt8(at), ms: file.readUInt32BE(at + 1), bytes: file.subarray(at + 9, at + 9 + length) })
    at += 9 + length
  }
  return records
}

/**
 * Records the desktop of `container` into `dir` until `stop` is called, on the clock that began at
 * `started` (ms since the epoch); connections that drop are opened again.
 */
export function recordDesktop(
  container: Docker.Container,
  dir: string,
  options: {
    password: string
    started: number
    log: (line: string) => void
    /** Says why the desktop is no longer recorded (for the timeline). */
    warn?: (message: string) => void
    maxBytes?: number
  },
): { stop: () => void } {
  const maxBytes = options.maxBytes ?? DESKTOP_RECORDING.maxBytes
  const file = join(dir, FILES.desktop)
  const fd = openSync(file, 'a', 0o640)
  let written = statSync(file).size
  let stopped = false
  let closed = false
  let current: Duplex | undefined
  let wake = () => {}
  const stop = () => {
    stopped = true
    current?.destroy()
    wake()
  }
  // The box's VNC server decides what it sends: the file has a budget, and a write that fails (a full
  // disk) ends the desktop's recording, never the recorder.
  const giveUp = (message: string) => {
    if (stopped) return
    options.log(`desktop recording: ${message}`)
    options.warn?.(message)
    stop()
  }
  const write = (kind: number, bytes: Buffer) => {
    if (closed || stopped) return
    const record = desktopRecord(kind, Date.now() - options.started, bytes)
    if (written + record.length > maxBytes)
      return giveUp(`the desktop's recording reached ${Math.round(maxBytes / 1024 ** 2)} MiB: the rest of the desktop is not recorded`)
    try {
      writeSync(fd, record)
      written += record.length
    } catch (error) {
      giveUp(`the desktop's recording could not be written (${(error as Error).message}): the rest is not recorded`)
    }
  }

  const once = async () => {
    const stream = await connectToVnc(container)
    current = stream
    const out = new PassThrough()
    container.modem.demuxStream(stream, out, new PassThrough().resume())
    const ended = () => out.end()
    stream.on('end', ended)
    stream.on('close', ended)
    stream.on('error', () => stream.destroy())
    const handshakeTimer = setTimeout(() => stream.destroy(), DESKTOP_RECORDING.handshakeMs)
    const session = await rfbHandshake(new ByteReader(out), (data) => stream.write(data), options.password).finally(() =>
      clearTimeout(handshakeTimer),
    )
    write(RECORD.segment, replayHandshake(session.serverInit))
    if (session.rest.length) write(RECORD.data, session.rest)
    out.on('data', (chunk: Buffer) => write(RECORD.data, chunk))
    stream.write(Buffer.concat([setPixelFormat(), setEncodings(), framebufferUpdateRequest(false, session.width, session.height)]))
    const timer = setInterval(
      () => stream.writable && stream.write(framebufferUpdateRequest(true, session.width, session.height)),
      1000 / DESKTOP_RECORDING.requestsPerSecond,
    )
    await new Promise<void>((resolve) => {
      out.on('end', resolve)
      out.on('close', resolve)
    })
    clearInterval(timer)
  }

  void (async () => {
    while (!stopped) {
      await once().catch((error: Error) => !stopped && options.log(`desktop recording: ${error.message}`))
      current?.destroy()
      if (stopped) break
      await Promise.race([sleep(DESKTOP_RECORDING.reconnectMs), new Promise<void>((resolve) => (wake = resolve))])
    }
    closed = true
    closeSync(fd)
  })()

  return { stop }
}
