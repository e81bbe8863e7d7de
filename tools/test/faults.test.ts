import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { findImage } from '../images/list.ts'
import { listFaults } from '../live/faults.ts'

test("a task's library of faults: each with a description, an apply and a check", () => {
  const faults = listFaults(findImage('nginx-502'))
  assert.equal(
    faults.map((f) => f.name),
    ['broken-include', 'firewall'],
  )
  for (const fault of faults) assert.ok(fault.description.length > 10, fault.name)
  assert.equal(
    listFaults(findImage('hello')).map((f) => f.name),
    ['service-stopped'],
  )
  assert.equal(listFaults(findImage('zombies')), [])
})

test.run()
