import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { doorKey, type DoorAccess } from '../door/access.ts'
import { askDoor, controlSocket, serveControl, type ControlReply, type RoleRequest } from '../door/control.ts'
import { currentKeys, forgetKeys, writeKeys } from '../door/key-changes.ts'
import { UserError } from '../core/errors.ts'
import { newKeyPair, parsePublicKey } from '../core/ssh-keys.ts'

const key = (name: string) => parsePublicKey(newKeyPair(name).publicKey)!
const access = (keys = [doorKey(key('alice'), 'candidate')]): DoorAccess => ({ keys, exec: true, address: '127.0.0.1:7622' })

test("keys changed while it runs are the door's list for that box only; a broken or foreign file opens nothing more", () => {
  const dir = mkdtempSync(join(tmpdir(), 'door-keys-'))
  const start = access()
  assert.equal(currentKeys(start, 'i1', 'box-a', dir), start.keys)
  const bob = doorKey(key('bob'), 'observer')
  writeKeys('i1', 'box-a', [...start.keys, bob], dir)
  assert.is(statSync(join(dir, 'keys', 'i1.json')).mode & 0o777, 0o600)
  assert.is(statSync(join(dir, 'keys')).mode & 0o777, 0o700)
  assert.equal(currentKeys(start, 'i1', 'box-a', dir), [...start.keys, bob])
  // Another box of the same name (an earlier interview's file), and another interview: the labels' list.
  assert.equal(currentKeys(start, 'i1', 'box-b', dir), start.keys)
  assert.equal(currentKeys(start, 'i2', 'box-a', dir), start.keys)
  writeFileSync(join(dir, 'keys', 'i1.json'), '{"container": "box-a", "keys": [')
  assert.equal(currentKeys(start, 'i1', 'box-a', dir), start.keys)
  // Removing every key is a list too: nothing opens by key.
  writeKeys('i1', 'box-a', [], dir)
  assert.equal(currentKeys(start, 'i1', 'box-a', dir), [])
  forgetKeys('i1', dir)
  assert.equal(currentKeys(start, 'i1', 'box-a', dir), start.keys)
})

test("the control socket answers one request a connection, is its owner's only, and says so when no door is there", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'door-control-'))
  const path = controlSocket(7622, dir)
  assert.is(path, join(dir, 'control-7622.sock'))
  // A stale socket file from a door that died does not stop the next one.
  writeFileSync(path, '')
  const seen: RoleRequest[] = []
  const server = await serveControl(path, async (request) => {
    seen.push(request)
    if (request.interview === 'boom') throw new Error('the tmux client is gone')
    return { ok: true, matched: request.names, switched: [{ who: request.names[0]!, role: 'observer', session: 'door-1' }] }
  })
  try {
    assert.is(statSync(path).mode & 0o777, 0o600)
    const reply = await askDoor(path, { op: 'role', interview: 'i1', names: ['carol'], readonly: false })
    assert.equal(reply, { ok: true, matched: ['carol'], switched: [{ who: 'carol', role: 'observer', session: 'door-1' }] })
    assert.equal(seen, [{ op: 'role', interview: 'i1', names: ['carol'], readonly: false }])
    assert.equal(await askDoor(path, { op: 'role', interview: 'boom', names: ['x'], readonly: true }), {
      ok: false,
      error: 'the tmux client is gone',
    } satisfies ControlReply)
    // Not JSON: a refusal, and the handler never runs.
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(path)
      let text = ''
      socket.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text))
      socket.write('not json\n')
    })
    assert.equal(JSON.parse(raw), { ok: false, error: 'not a request' })
    assert.is(seen.length, 2)
  } finally {
    server.close()
  }
  try {
    await askDoor(controlSocket(7999, dir), { op: 'role', interview: 'i1', names: ['carol'], readonly: true })
    assert.unreachable()
  } catch (error) {
    assert.instance(error, UserError)
    assert.match((error as Error).message, 'no front door answers on')
  }
})

test.run()
