import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkPublishOptions, publishedRef } from '../images/publish.ts'

const base = { name: 'base', kind: 'base' as const }
const task = { name: 'nginx-502', kind: 'task' as const }

test('Docker Hub references have no registry part; others do', () => {
  assert.is(publishedRef(base, { namespace: 'acme' }), 'acme/ssh-interview:latest')
  assert.is(publishedRef(task, { namespace: 'acme', tag: '2026.11' }), 'acme/ssh-interview-nginx-502:2026.11')
  assert.is(
    publishedRef(task, { registry: '127.0.0.1:5000', namespace: 'team/sre' }),
    '127.0.0.1:5000/team/sre/ssh-interview-nginx-502:latest',
  )
})

test('bad names are refused with a hint', () => {
  assert.throws(() => checkPublishOptions({ namespace: 'Acme' }), /cannot name a repository/)
  assert.throws(() => checkPublishOptions({ namespace: 'acme', tag: 'bad tag' }), /not a valid tag/)
  assert.throws(() => checkPublishOptions({ namespace: 'acme', registry: 'https://hub' }), /not a registry host/)
  checkPublishOptions({ namespace: 'acme', registry: 'registry.example.com:5000', tag: 'v1.2_3' })
})

test.run()
