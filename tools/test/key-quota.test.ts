import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkKeyRoom, keyUsage, remappedRoot } from '../engine/key-quota.ts'
import { useInterviewEngine } from '../core/engine-socket.ts'

const keyUsers = '    0:     9 8/8 3/1000000 40/25000000\n100000:    55 55/55 195/200 3850/20000\n'

test("the remapped root's uid comes from the engine's data root", () => {
  assert.is(remappedRoot('/var/lib/interview-env/docker/100000.100000'), 100000)
  assert.is(remappedRoot('/var/lib/docker'), undefined)
})

test("one uid's quota is read from /proc/key-users", () => {
  assert.equal(keyUsage(keyUsers, 100000), { keys: 195, maxKeys: 200, bytes: 3850, maxBytes: 20000 })
  assert.is(keyUsage(keyUsers, 1000), undefined)
})

test('run refuses before the quota runs out, and says how to raise it', () => {
  assert.throws(
    () => checkKeyRoom(keyUsage(keyUsers, 100000)),
    (e: Error) => /195\/200 keys/.test(e.message),
  )
  checkKeyRoom({ keys: 10, maxKeys: 2000, bytes: 700, maxBytes: 2000000 })
  assert.throws(() => checkKeyRoom({ keys: 10, maxKeys: 2000, bytes: 1999500, maxBytes: 2000000 }), /bytes/)
  checkKeyRoom(undefined)
})

test('the tools use the interview engine when it runs, unless DOCKER_HOST says otherwise', () => {
  const env: NodeJS.ProcessEnv = {}
  useInterviewEngine(env, (path) => path === '/run/interview-env/docker.sock')
  assert.is(env.DOCKER_HOST, 'unix:///run/interview-env/docker.sock')
  const chosen: NodeJS.ProcessEnv = { DOCKER_HOST: 'tcp://elsewhere:2376' }
  useInterviewEngine(chosen, () => true)
  assert.is(chosen.DOCKER_HOST, 'tcp://elsewhere:2376')
  const absent: NodeJS.ProcessEnv = {}
  useInterviewEngine(absent, () => false)
  assert.is(absent.DOCKER_HOST, undefined)
})

test.run()
