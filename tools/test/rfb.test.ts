import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { REPO_ROOT } from '../core/paths.ts'
import { desktopRecord, readDesktopRecords } from '../recording/desktop-recording.ts'
import { ByteReader, replayHandshake, rfbHandshake, setEncodings, setPixelFormat, vncAuthResponse } from '../recording/rfb.ts'

// noVNC's own DES (its package exports only rfb.js, so by path), which a real VNC server agrees with.
type Des = { importKey(key: number[]): { encrypt(algorithm: { name: string }, data: Uint8Array): Uint8Array } }
const { DESECBCipher } = (await import(join(REPO_ROOT, 'node_modules/@novnc/novnc/core/crypto/des.js'))) as { DESECBCipher: Des }

test('the VNC authentication answer is the one noVNC computes', () => {
  for (const password of ['abcdefgh', 'x', 'Zq81-kLp', 'longer than eight']) {
    const challenge = randomBytes(16)
    const key = DESECBCipher.importKey([...password].slice(0, 8).map((c) => c.charCodeAt(0)))
    const expected = Buffer.from(key.encrypt({ name: 'DES-ECB' }, challenge))
    assert.equal(vncAuthResponse(password, challenge).toString('hex'), expected.toString('hex'), password)
  }
})

test('the pixel format and encodings are the messages noVNC sends', () => {
  assert.is(setPixelFormat().toString('hex'), '000000002018000100ff00ff00ff000810000000')
  assert.is(setEncodings([16, -223]).toString('hex'), '0200000200000010ffffff21')
})

test('the handshake: version 3.8, VNC authentication, ServerInit; what follows is handed back', async () => {
  const server = new PassThrough()
  const sent: Buffer[] = []
  const name = Buffer.from('desktop')
  const init = Buffer.alloc(24)
  init.writeUInt16BE(1600, 0)
  init.writeUInt16BE(900, 2)
  init.writeUInt32BE(name.length, 20)
  const challenge = randomBytes(16)
  server.write(Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([2, 19, 2]), challenge, Buffer.alloc(4)]))
  server.write(Buffer.concat([init, name, Buffer.from([0, 0, 0, 1])]))
  const session = await rfbHandshake(new ByteReader(server), (data) => sent.push(data), 'secret12')
  assert.is(session.width, 1600)
  assert.is(session.height, 900)
  assert.equal(session.serverInit, Buffer.concat([init, name]))
  assert.equal(session.rest, Buffer.from([0, 0, 0, 1]))
  assert.equal(
    sent.map((b) => b.toString('hex')),
    [Buffer.from('RFB 003.008\n').toString('hex'), '02', vncAuthResponse('secret12', challenge).toString('hex'), '01'],
  )
  // The replay's handshake asks for no password.
  assert.equal(replayHandshake(session.serverInit).subarray(12, 18), Buffer.from([1, 1, 0, 0, 0, 0]))
})

test('a refused authentication, and a server without VNC authentication, are errors', async () => {
  const refused = new PassThrough()
  refused.end(
    Buffer.concat([
      Buffer.from('RFB 003.008\n'),
      Buffer.from([1, 2]),
      randomBytes(16),
      Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]),
      Buffer.from('no'),
    ]),
  )
  await rfbHandshake(new ByteReader(refused), () => {}, 'x').then(
    () => assert.unreachable(),
    (error: Error) => assert.match(error.message, /VNC authentication failed: no/),
  )
  const other = new PassThrough()
  other.end(Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 19])]))
  await rfbHandshake(new ByteReader(other), () => {}, 'x').then(
    () => assert.unreachable(),
    (error: Error) => assert.match(error.message, /no VNC authentication/),
  )
})

test("a hostile server's announced lengths and floods are refused, not buffered", async () => {
  const init = Buffer.alloc(24)
  init.writeUInt32BE(0xffffffff, 20)
  const named = new PassThrough()
  named.end(Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 2]), randomBytes(16), Buffer.alloc(4), init]))
  await rfbHandshake(new ByteReader(named), () => {}, 'x').then(
    () => assert.unreachable(),
    (error: Error) => assert.match(error.message, /desktop name is over 4096 bytes/),
  )
  const reason = new PassThrough()
  reason.end(Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([0]), Buffer.from([0xff, 0xff, 0xff, 0xff])]))
  await rfbHandshake(new ByteReader(reason), () => {}, 'x').then(
    () => assert.unreachable(),
    (error: Error) => assert.match(error.message, /refused: \(a reason of 4294967295 bytes\)/),
  )
  // More than a megabyte before the handshake is done: the connection is dropped.
  const flood = new PassThrough()
  const reading = rfbHandshake(new ByteReader(flood), () => {}, 'x')
  flood.write(Buffer.from('RFB 003.008\n'))
  flood.write(Buffer.from([1, 2]))
  flood.write(randomBytes(8))
  flood.write(Buffer.alloc(2 * 1024 * 1024))
  await reading.then(
    () => assert.unreachable(),
    (error: Error) => assert.match(error.message, /closed the connection during the handshake/),
  )
  assert.ok(flood.destroyed)
})

test('desktop.rfb records read back in order; a record cut short at the end is left out', () => {
  const file = Buffer.concat([
    desktopRecord(0, 0, Buffer.from('hello')),
    desktopRecord(1, 1234, Buffer.from([1, 2, 3])),
    desktopRecord(1, 2000, Buffer.alloc(10)).subarray(0, 12),
  ])
  assert.equal(
    readDesktopRecords(file).map(({ kind, ms, bytes }) => [kind, ms, bytes.toString('hex')]),
    [
      [0, 0, Buffer.from('hello').toString('hex')],
      [1, 1234, '010203'],
    ],
  )
})

test.run()
