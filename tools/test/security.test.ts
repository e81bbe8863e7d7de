import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { capabilityPlan, parseMemory, remapsUsers } from '../engine/security.ts'

test('a user-namespaced daemon gets the full toolset, SYS_ADMIN included', () => {
  const plan = capabilityPlan({ SecurityOptions: ['name=seccomp,profile=default', 'name=userns'] })
  assert.ok(plan.fullToolset)
  assert.ok(plan.capAdd.includes('SYS_ADMIN'))
  assert.is(plan.warning, undefined)
})

test('rootless Docker counts as remapped', () => {
  assert.ok(remapsUsers({ SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'] }))
})

test('a plain daemon never gets SYS_ADMIN, and the warning says what is missing and how to fix it', () => {
  for (const info of [
    { SecurityOptions: ['name=seccomp,profile=default'] },
    {},
    { SecurityOptions: ['name=apparmor'], CgroupVersion: '2' },
  ]) {
    const plan = capabilityPlan(info)
    assert.not.ok(plan.capAdd.includes('SYS_ADMIN'))
    assert.not.ok(plan.fullToolset)
    assert.ok(plan.missingTools.includes('ip netns'))
    assert.match(plan.warning ?? '', /--userns-remap=default/)
  }
})

test('strace -p and tcpdump work under either plan', () => {
  for (const info of [{ SecurityOptions: ['name=userns'] }, {}]) {
    const plan = capabilityPlan(info)
    assert.ok(plan.capAdd.includes('SYS_PTRACE'))
    assert.ok(plan.capAdd.includes('NET_ADMIN'))
  }
})

test('memory sizes', () => {
  assert.is(parseMemory('512m'), 512 * 1024 ** 2)
  assert.is(parseMemory('1g'), 1024 ** 3)
  assert.is(parseMemory('1.5G'), 1.5 * 1024 ** 3)
  assert.is(parseMemory('2048'), 2048)
  assert.throws(() => parseMemory('lots'), /not a size/)
})

test.run()
