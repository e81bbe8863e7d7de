import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync, existsSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CastWriter, readCast } from '../recording/cast.ts'
import { appendEvent, readEvents } from '../recording/events.ts'
import { FILES, freeRecordingDir } from '../recording/paths.ts'
import { parseAge, parseDuration, purgeRecordings } from '../recording/purge.ts'
import { replay } from '../recording/replay.ts'
import { typedOnly } from '../recording/feed-reports.ts'
import { summaryMarkdown } from '../recording/summary.ts'
import { formatTyped, showKeys, typedLines } from '../recording/typed.ts'

const fresh = () => mkdtempSync(join(tmpdir(), 'recording-test-'))

test('a cast is asciicast v2: header, then timed output, resizes and markers; whole lines only', () => {
  const dir = fresh()
  const file = join(dir, FILES.cast)
  const cast = new CastWriter(file, { width: 80, height: 24, title: 't' }, 10_000, 1_000_000)
  cast.output(Buffer.from('héllo'), 1_000_500)
  // A multi-byte character split across two chunks comes out whole.
  const euro = Buffer.from('€')
  cast.output(euro.subarray(0, 1), 1_001_000)
  cast.output(euro.subarray(1), 1_001_200)
  cast.resize(100, 30, 1_002_000)
  cast.marker('alice joined', 1_002_500)
  assert.is(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 1, 'nothing but the header before a flush')
  cast.flush()
  const { header, events } = readCast(file)
  assert.equal(
    { version: header.version, width: header.width, height: header.height, timestamp: header.timestamp },
    { version: 2, width: 80, height: 24, timestamp: 1000 },
  )
  assert.equal(events, [
    [0.5, 'o', 'héllo'],
    [1.2, 'o', '€'],
    [2, 'r', '100x30'],
    [2.5, 'm', 'alice joined'],
  ])
  cast.close()
})

test('a torn last line (a crash mid-write) is skipped; a torn line in the middle is an error', () => {
  const dir = fresh()
  const file = join(dir, FILES.cast)
  writeFileSync(file, `${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1 })}\n[0.1,"o","a"]\n[0.2,"o","b`)
  assert.is(readCast(file).events.length, 1)
  writeFileSync(file, `${JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1 })}\n[0.1,"o\n[0.2,"o","b"]\n`)
  assert.throws(() => readCast(file), /line 2 is not an event/)
  writeFileSync(file, '{"version":1}\n')
  assert.throws(() => readCast(file), /not an asciicast v2/)
})

test('replay writes the output in order, notes markers, and cuts idle time', async () => {
  const dir = fresh()
  const file = join(dir, FILES.cast)
  writeFileSync(
    file,
    [
      JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1 }),
      '[0.5,"o","one "]',
      '[100,"m","check: OK"]',
      '[100.5,"o","two"]',
      '',
    ].join('\n'),
  )
  let out = ''
  const notes: string[] = []
  const pauses: number[] = []
  const result = await replay(file, {
    speed: 2,
    idleLimit: 1,
    write: (t) => (out += t),
    note: (t) => notes.push(t),
    sleep: async (ms) => void pauses.push(ms),
  })
  assert.is(out, 'one two')
  assert.equal(notes, ['check: OK'])
  assert.equal(pauses, [250, 500, 250])
  assert.equal(result, { events: 3, seconds: 100.5 })
  const missing = await replay('no-such-interview-anywhere').then(
    () => undefined,
    (error: Error) => error,
  )
  assert.match(String(missing?.message), 'no recording of "no-such-interview-anywhere"')
})

test('the summary has the task, duration, checks over time, hints and who joined', () => {
  const dir = fresh()
  appendEvent(dir, { t: 0, type: 'start', interview: 'hello-ab12', task: 'hello' })
  appendEvent(dir, { t: 5, type: 'join', who: 'alice@laptop', role: 'candidate', readonly: false })
  appendEvent(dir, { t: 9, type: 'join', who: 'bob', role: 'observer', readonly: true })
  appendEvent(dir, { t: 70, type: 'hint', number: 1 })
  appendEvent(dir, { t: 80, type: 'check', by: 'candidate', selfReported: true, result: 'NO: port | closed' })
  appendEvent(dir, { t: 130, type: 'check', by: 'interviewer', result: 'OK' })
  appendEvent(dir, { t: 200, type: 'end' })
  appendFileSync(join(dir, FILES.events), 'torn {\n')
  assert.is(readEvents(dir).length, 7)
  const summary = summaryMarkdown(dir)
  assert.match(summary, '# Interview hello-ab12')
  assert.match(summary, '**Task:** hello')
  assert.match(summary, '**Duration:** 3:20')
  assert.match(summary, '**Hints used:** 1')
  assert.match(summary, '**Final check:** OK')
  assert.match(summary, '| 1:20 | candidate (self-reported) | NO: port \\| closed |')
  assert.match(summary, '| 2:10 | interviewer | OK |')
  assert.match(summary, '| alice@laptop | candidate | 0:05 | 1 |')
  assert.match(summary, '| bob | observer | 0:09 | 1 |')
})

test('ages and time limits parse, and bad ones say how to write them', () => {
  assert.is(parseAge('30d'), 30 * 86_400_000)
  assert.is(parseAge('90m'), 5_400_000)
  assert.is(parseDuration('90m'), 5_400_000)
  assert.is(parseDuration('1h30m'), 5_400_000)
  assert.is(parseDuration('45s'), 45_000)
  for (const bad of ['', '30', 'd', '-1d', '1.5d']) assert.throws(() => parseAge(bad), /is not an age/)
  for (const bad of ['', '90', 'm', '1d', 'h30']) assert.throws(() => parseDuration(bad), /is not a duration/)
  assert.throws(() => parseDuration('5s'), /too short/)
})

test('purge deletes whole recordings older than the age, keeps newer ones and any still being recorded', () => {
  const root = fresh()
  const now = Date.now()
  const make = (name: string, ageDays: number, recording = false) => {
    const dir = join(root, name)
    mkdirSync(dir)
    writeFileSync(join(dir, FILES.cast), '{}\n')
    if (recording) writeFileSync(join(dir, FILES.pid), '1')
    const when = new Date(now - ageDays * 86_400_000)
    for (const file of [FILES.cast, ...(recording ? [FILES.pid] : [])]) utimesSync(join(dir, file), when, when)
    utimesSync(dir, when, when)
  }
  make('old', 40)
  make('new', 2)
  make('old-but-live', 40, true)
  assert.equal(purgeRecordings(parseAge('30d'), { root, dryRun: true, now }), ['old'])
  assert.ok(existsSync(join(root, 'old')), 'a dry run deletes nothing')
  assert.equal(purgeRecordings(parseAge('30d'), { root, now }), ['old'])
  assert.not.ok(existsSync(join(root, 'old')))
  assert.ok(existsSync(join(root, 'new')) && existsSync(join(root, 'old-but-live')))
  assert.equal(purgeRecordings(parseAge('1d'), { root: join(root, 'missing'), now }), [])
})

test('who typed what: keystrokes per login, joined into lines, with keys shown by name', () => {
  const dir = fresh()
  const input = (t: number, login: string, who: string, role: string, data: string, ignored?: string) =>
    appendEvent(dir, { t, type: 'input', login, who, role, data, ...(ignored ? { ignored } : {}) })
  input(1, '10', 'alice@laptop', 'candidate', 'ls -l')
  input(1.5, '20', 'bob', 'interviewer', 'df -h\r')
  input(2, '10', 'alice@laptop', 'candidate', 'a\x7f\x1b[A\t\x03\r')
  input(3, '30', 'carol', 'observer', 'rm -rf /\r', 'read-only')
  const lines = typedLines(dir)
  assert.equal(
    lines.map((l) => [l.t, l.who, l.text]),
    [
      [1, 'alice@laptop', 'ls -la⌫↑⇥^C⏎'],
      [1.5, 'bob', 'df -h⏎'],
      [3, 'carol', 'rm -rf /⏎'],
    ],
  )
  assert.match(formatTyped(lines), /0:03  carol \(observer\) +rm -rf \/⏎   \[not sent: read-only\]/)
  assert.is(showKeys('\x1b[15~x'), '⎋x')
})

test('what a terminal answers by itself is not counted as typed', () => {
  assert.is(typedOnly(`\x1b[>84;0;0c\x1bP>|tmux 3.3a\x1b\\\x1b]11;rgb:0000/0000/0000\x07\x1b[12;40R\x1b[Ils\r`), 'ls\r')
  assert.is(typedOnly('\x1b[A\x1b[D'), '\x1b[A\x1b[D', 'arrow keys stay')
})

test('the cast never holds a control string, even split across chunks; markers are printable', () => {
  const dir = fresh()
  const file = join(dir, FILES.cast)
  const cast = new CastWriter(file, { width: 80, height: 24 }, 10_000, 1_000_000)
  cast.output(Buffer.from('before \x1b]52;c;ZXZp'), 1_000_100)
  cast.output(Buffer.from('bA==\x07\x1bPtmux;\x1b\x1b]0;t\x07\x1b'), 1_000_200)
  cast.output(Buffer.from('\\\x1b[1mafter\u009d52;c;x\u009c'), 1_000_300)
  cast.marker('evil\x1b]52;c;x\x07 joined', 1_000_400)
  cast.close()
  const raw = readFileSync(file, 'utf8')
  assert.not.match(raw, /\\u001b\]|\\u001bP|\\u009d|\u009d|\x1b/)
  const { events } = readCast(file)
  assert.equal(
    events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join(''),
    'before \x1b[1mafter',
  )
  assert.equal(events.find((e) => e[1] === 'm')?.[2], 'evil\\e]52;c;x\\a joined')
})

test('replay filters casts recorded before the filter, and prints their markers escaped', async () => {
  const dir = fresh()
  const file = join(dir, FILES.cast)
  const old = [
    [0.1, 'o', 'a\x1b]52;c;ZX'],
    [0.2, 'o', 'Zp\x07b\x1bPtmux;\x1b\x1b]0;x\x07\x1b\\c'],
    [0.3, 'm', 'x\x1b]0;t\x07 joined'],
    [0.4, 'o', '\x1b[0m'],
  ]
  writeFileSync(
    file,
    [JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1 }), ...old.map((e) => JSON.stringify(e)), ''].join('\n'),
  )
  let out = ''
  const notes: string[] = []
  await replay(file, { write: (t) => (out += t), note: (t) => notes.push(t), sleep: async () => {} })
  assert.is(out, 'abc\x1b[0m')
  assert.equal(notes, ['x\\e]0;t\\a joined'])
})

test('the final check is the last one an interviewer ran: a self-reported OK is shown as such, never as the verdict', () => {
  const dir = fresh()
  appendEvent(dir, { t: 0, type: 'start', interview: 'hello-ab12', task: 'hello' })
  appendEvent(dir, { t: 5, type: 'check', by: 'candidate', selfReported: true, result: 'OK' })
  assert.match(summaryMarkdown(dir), "**Final check:** never run by an interviewer (the candidate's last `task check`, self-reported: OK)")
  appendEvent(dir, { t: 9, type: 'check', by: 'interviewer', result: 'NO: still broken' })
  appendEvent(dir, { t: 12, type: 'check', by: 'candidate', selfReported: true, result: 'OK' })
  assert.match(summaryMarkdown(dir), '**Final check:** NO: still broken')
})

test('names, typed text and check results from the box are printed escaped, in the summary and the typed list', () => {
  const dir = fresh()
  const evil = 'mallory\x1b]52;c;ZXZpbA==\x07|x\u202e'
  appendEvent(dir, { t: 0, type: 'start', interview: 'hello-ab12', task: 'hello' })
  appendEvent(dir, { t: 1, type: 'join', who: evil, role: 'interviewer\x1b[2J', readonly: false })
  appendEvent(dir, { t: 2, type: 'check', by: 'candidate', result: 'NO: \x1b]0;t\x07 [link](http://e)' })
  appendEvent(dir, { t: 3, type: 'input', login: '1', who: evil, role: 'candidate', data: 'echo \u009d52;c;x\u009c\r' })
  assert.not.match(readFileSync(join(dir, FILES.events), 'utf8'), /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/)
  const summary = summaryMarkdown(dir)
  assert.not.match(summary, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/)
  assert.match(summary, '| mallory\\\\e\\]52;c;ZXZpbA==\\\\a\\|x\\\\u202e | interviewer\\\\e\\[2J |')
  assert.match(summary, '**Final check:** NO: \\\\e\\]0;t\\\\a \\[link\\](http://e)')
  const typed = formatTyped(typedLines(dir))
  assert.not.match(typed, /[\x00-\x1f\x7f-\x9f\u202e]/)
  assert.match(typed, 'mallory\\e]52;c;ZXZpbA==\\a|x\\u202e (candidate)')
  assert.match(typed, 'echo \\x9d52;c;x\\x9c⏎')
})

test('a reused interview name records into <name>-2, -3...', () => {
  const root = fresh()
  assert.is(freeRecordingDir('alice', root), join(root, 'alice'))
  mkdirSync(join(root, 'alice'))
  mkdirSync(join(root, 'alice-2'))
  assert.is(freeRecordingDir('alice', root), join(root, 'alice-3'))
})

test.run()
