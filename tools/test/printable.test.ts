import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { capped, jsonLine, markdownText, printable } from '../core/printable.ts'

test('control characters are shown as escapes, never sent', () => {
  assert.is(printable('alice\x1b]52;c;ZXZpbA==\x07'), 'alice\\e]52;c;ZXZpbA==\\a')
  assert.is(printable('a\tb\r\nc\0'), 'a\\tb\\r\\nc\\0')
  assert.is(printable('\x01\x7f\u009d\u009b'), '\\x01\\x7f\\x9d\\x9b')
  assert.is(printable('evil\u202eexe.txt\u2066'), 'evil\\u202eexe.txt\\u2066')
  assert.is(printable('bob@desk — Zoë 日本 🙂'), 'bob@desk — Zoë 日本 🙂')
  assert.is(printable(undefined), 'undefined')
  assert.not.match(printable(String.fromCharCode(...Array.from({ length: 0xa0 }, (_, i) => i))), /[\x00-\x1f\x7f-\x9f]/)
})

test('JSON lines read back as the same value, and hold no raw C1 control or bidi override', () => {
  const value = { who: 'x\u009d52;c;x\u009c\u202e\x1b', n: 1 }
  const line = jsonLine(value)
  assert.not.match(line, /[\x00-\x1f\x7f-\x9f\u202a-\u202e]/)
  assert.equal(JSON.parse(line), value)
})

test('Markdown text cannot break a table or make a link', () => {
  assert.is(markdownText('a|b'), 'a\\|b')
  assert.is(markdownText('[x](http://e) <img> `c` *b*'), '\\[x\\](http://e) \\<img\\> \\`c\\` \\*b\\*')
  assert.is(markdownText('n\x1b[2J'), 'n\\\\e\\[2J')
})

test('strings from the box are cut to a length', () => {
  assert.is(capped('abcdef', 4), 'abc…')
  assert.is(capped('abc', 4), 'abc')
  assert.is(capped(12345, 3), '12…')
  assert.is(capped(undefined, 3), '')
  assert.is(capped('a🙂', 2), 'a…')
})

test.run()
