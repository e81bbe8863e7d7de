import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createServer } from 'node:net'
import { checkBindAddress, checkPort, checkPortFree, isLoopback, listenError, loopbackFor, portIsFree } from '../engine/ports.ts'
import { UserError } from '../core/errors.ts'

test('loopback: only this host reaches it; a client reaches an all-addresses bind on loopback', () => {
  for (const only of ['127.0.0.1', '127.1.2.3', '::1']) assert.ok(isLoopback(only), only)
  for (const wider of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.5']) assert.not.ok(isLoopback(wider), wider)
  assert.is(loopbackFor('0.0.0.0'), '127.0.0.1')
  assert.is(loopbackFor('::'), '::1')
  assert.is(loopbackFor('10.0.0.1'), '10.0.0.1')
})

test('port numbers', () => {
  assert.is(checkPort(2222), 2222)
  for (const bad of [0, -1, 65536, 22.5, NaN])
    assert.throws(
      () => checkPort(bad),
      (e: unknown) => e instanceof UserError,
    )
})

test('bind addresses', () => {
  assert.is(checkBindAddress('127.0.0.1'), '127.0.0.1')
  assert.is(checkBindAddress('::1'), '::1')
  assert.throws(() => checkBindAddress('localhost:22'), /not an IP address/)
})

test('a port someone listens on is not free, and says so before anything starts', async () => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  assert.is(await portIsFree(port, '127.0.0.1'), false)
  try {
    await checkPortFree(port, '127.0.0.1')
    assert.unreachable()
  } catch (error) {
    assert.instance(error, UserError)
    assert.is((error as UserError).message, `port ${port} on 127.0.0.1 is already in use`)
  }
  await new Promise((resolve) => server.close(resolve))
  assert.is(await portIsFree(port, '127.0.0.1'), true)
})

test('a taken port is one line naming what holds it; other listen errors pass through', async () => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const second = createServer()
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => second.once('error', resolve).listen(port, '127.0.0.1'))
  await new Promise((resolve) => server.close(resolve))
  const told = listenError(error, port, '127.0.0.1', 'a door')
  assert.instance(told, UserError)
  assert.match(told.message, `port ${port} on 127.0.0.1 is already in use`)
  assert.match((told as UserError).hint ?? '', 'is a door already running?')
  const other = Object.assign(new Error('permission denied'), { code: 'EACCES' })
  assert.is(listenError(other, 80, '0.0.0.0', 'a door'), other)
})

test.run()
