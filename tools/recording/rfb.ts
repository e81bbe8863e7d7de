// The little of the RFB protocol (VNC, RFC 6143) the desktop recorder speaks as a client: version
// 3.8, VNC authentication, and the pixel format and encodings noVNC asks for, so that noVNC can
// replay what the server sent (desktop-recording.ts).
import { createCipheriv } from 'node:crypto'
import type { Readable } from 'node:stream'

export const RFB_VERSION = 'RFB 003.008\n'

/** What a handshake may take: a server that announces more is refused (the box's server is not trusted). */
export const HANDSHAKE_LIMITS = { text: 4096, buffered: 1024 * 1024 } as const

/** Encodings asked for: ZRLE, CopyRect and Raw (all decoded by noVNC), and the DesktopSize pseudo-encoding. */
export const RECORDED_ENCODINGS = [16, 1, 0, -223]

const reverseBits = (byte: number) => {
  let out = 0
  for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) out |= 1 << (7 - bit)
  return out
}

/**
 * The answer to a VNC authentication challenge: the challenge encrypted with DES, keyed by the
 * password's first 8 characters with each byte's bits reversed. Single DES is triple DES with three
 * equal keys (OpenSSL 3 offers DES itself only in its legacy provider).
 */
export function vncAuthResponse(password: string, challenge: Buffer): Buffer {
  const key = Buffer.alloc(8)
  for (let i = 0; i < 8 && i < password.length; i++) key[i] = reverseBits(password.charCodeAt(i) & 0xff)
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null)
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(challenge), cipher.final()])
}

/** SetPixelFormat as noVNC sends it: 32 bits a pixel, depth 24, little-endian true colour, red in the low byte. */
export function setPixelFormat(): Buffer {
  const message = Buffer.alloc(20)
  message.writeUInt8(0, 0)
  Buffer.from([32, 24, 0, 1]).copy(message, 4)
  message.writeUInt16BE(255, 8)
  message.writeUInt16BE(255, 10)
  message.writeUInt16BE(255, 12)
  Buffer.from([0, 8, 16]).copy(message, 14)
  return message
}

export function setEncodings(encodings = RECORDED_ENCODINGS): Buffer {
  const message = Buffer.alloc(4 + 4 * encodings.length)
  message.writeUInt8(2, 0)
  message.writeUInt16BE(encodings.length, 2)
  encodings.forEach((encoding, i) => message.writeInt32BE(encoding, 4 + 4 * i))
  return message
}

export function framebufferUpdateRequest(incremental: boolean, width: number, height: number): Buffer {
  const message = Buffer.alloc(10)
  message.writeUInt8(3, 0)
  message.writeUInt8(incremental ? 1 : 0, 1)
  message.writeUInt16BE(width, 6)
  message.writeUInt16BE(height, 8)
  return message
}

/** Reads exact byte counts from a stream, for the handshake; what is left after it is handed back. */
export class ByteReader {
  private buffered = Buffer.alloc(0)
  private waiting?: { bytes: number; resolve: (data: Buffer) => void; reject: (error: Error) => void }
  private ended = false

  constructor(private readonly stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk])
      if (this.buffered.length > HANDSHAKE_LIMITS.buffered) {
        this.ended = true
        this.buffered = Buffer.alloc(0)
        stream.destroy()
      }
      this.wake()
    })
    const end = () => {
      this.ended = true
      this.wake()
    }
    stream.on('end', end)
    stream.on('close', end)
    stream.on('error', end)
  }

  private wake() {
    const waiting = this.waiting
    if (!waiting) return
    if (this.buffered.length >= waiting.bytes) {
      this.waiting = undefined
      const data = this.buffered.subarray(0, waiting.bytes)
      this.buffered = this.buffered.subarray(waiting.bytes)
      waiting.resolve(data)
    } else if (this.ended) {
      this.waiting = undefined
      waiting.reject(new Error('the VNC server closed the connection during the handshake'))
    }
  }

  read(bytes: number): Promise<Buffer> {
    if (bytes > HANDSHAKE_LIMITS.buffered) return Promise.reject(new Error(`the VNC server announced ${bytes} bytes in its handshake`))
    return new Promise((resolve, reject) => {
      this.waiting = { bytes, resolve, reject }
      this.wake()
    })
  }

  /** Stops reading: what is buffered is returned, and later data is the caller's. */
  release(): Buffer {
    this.stream.removeAllListeners('data')
    return this.buffered
  }
}

/** A length-prefixed text of the handshake (a reason), printable and at most HANDSHAKE_LIMITS.text bytes. */
async function readText(reader: ByteReader): Promise<string> {
  const length = (await reader.read(4)).readUInt32BE(0)
  if (length > HANDSHAKE_LIMITS.text) return `(a reason of ${length} bytes)`
  return (await reader.read(length)).toString('utf8').replace(/[\u0000-\u001f\u007f]/g, '?')
}

export interface RfbSession {
  width: number
  height: number
  /** ServerInit as the server sent it (size, native pixel format, desktop name). */
  serverInit: Buffer
  /** Bytes the server sent after ServerInit, already read. */
  rest: Buffer
}

/** Version 3.8, VNC authentication with `password`, a shared ClientInit; the server's ServerInit. */
export async function rfbHandshake(reader: ByteReader, write: (data: Buffer) => void, password: string): Promise<RfbSession> {
  const version = (await reader.read(12)).toString('latin1')
  if (!version.startsWith('RFB 003.')) throw new Error(`not a VNC server (it said ${JSON.stringify(version)})`)
  write(Buffer.from(RFB_VERSION, 'latin1'))
  const count = (await reader.read(1))[0]!
  if (count === 0) {
    throw new Error(`the VNC server refused: ${await readText(reader)}`)
  }
  const types = [...(await reader.read(count))]
  if (!types.includes(2)) throw new Error(`the VNC server offers no VNC authentication (types ${types.join(', ')})`)
  write(Buffer.from([2]))
  write(vncAuthResponse(password, await reader.read(16)))
  if ((await reader.read(4)).readUInt32BE(0) !== 0) {
    throw new Error(`VNC authentication failed: ${await readText(reader)}`)
  }
  write(Buffer.from([1]))
  const head = await reader.read(24)
  if (head.readUInt32BE(20) > HANDSHAKE_LIMITS.text) throw new Error(`the VNC server's desktop name is over ${HANDSHAKE_LIMITS.text} bytes`)
  const name = await reader.read(head.readUInt32BE(20))
  return { width: head.readUInt16BE(0), height: head.readUInt16BE(2), serverInit: Buffer.concat([head, name]), rest: reader.release() }
}

/**
 * The start of a replayable stream for a client that joins without a password: the version, the
 * one security type "None", success, then the recorded ServerInit.
 */
export const replayHandshake = (serverInit: Buffer) =>
  Buffer.concat([Buffer.from(RFB_VERSION, 'latin1'), Buffer.from([1, 1]), Buffer.alloc(4), serverInit])
