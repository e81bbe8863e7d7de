import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fileNameProblem } from '../web/desktop-files.ts'

test('plain names are files of the folder, whatever their characters', () => {
  for (const name of ['data.csv', 'orders (export) é.csv', '.hidden', '-starts-with-a-dash', 'a'.repeat(255)])
    assert.is(fileNameProblem(name), undefined, name)
})

test('paths, dots, control characters, empty and overlong names are refused, each with a reason', () => {
  for (const name of ['', '.', '..', 'a/b', '../etc/passwd', '/etc/passwd', 'a\nb', 'a\u0000b', 'tab\there', 'del\u007f', 'é'.repeat(128)])
    assert.type(fileNameProblem(name), 'string', JSON.stringify(name))
})

test.run()
