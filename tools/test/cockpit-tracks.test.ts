import { test } from 'uvu'
import * as assert from 'uvu/assert'
// The cockpit page's own module (plain JavaScript in the browser), tested here as it is served.
import { markersOf, readable, skipIdle, typingTracks } from '../web/static/cockpit-tracks.js'

const input = (t: number, who: string, data: string, ignored?: string) => ({ t, type: 'input', who, data, ...(ignored ? { ignored } : {}) })

test('typed text reads as typed: Enter, Backspace and control keys shown', () => {
  assert.is(readable('ls -l\r'), 'ls -l⏎')
  assert.is(readable('ab\x7f\x03'), 'ab⌫^C')
})

test('each person gets a track of bursts; a pause of more than 3 s starts a new burst; ignored input is left out', () => {
  const tracks = typingTracks([
    input(1, 'alice', 'ls'),
    input(2, 'alice', '\r'),
    input(10, 'alice', 'df\r'),
    input(3, 'bob', 'top\r'),
    input(4, 'carol', 'rm -rf /\r', 'read-only'),
    { t: 5, type: 'check', result: 'OK' },
  ])
  assert.equal(tracks, [
    {
      who: 'alice',
      bursts: [
        { start: 1, end: 2, text: 'ls\r' },
        { start: 10, end: 10, text: 'df\r' },
      ],
    },
    { who: 'bob', bursts: [{ start: 3, end: 3, text: 'top\r' }] },
  ])
})

test('idle stretches are skipped: a 10-minute silence takes 10 s on the shared clock', () => {
  const tracks = typingTracks([input(5, 'alice', 'a'), input(6, 'alice', 'b'), input(606, 'bob', 'c'), input(607, 'bob', 'd')])
  const { at, length } = skipIdle(tracks)
  assert.is(at(5), 5)
  assert.is(at(6), 6)
  assert.is(at(300), 16, 'in the silence: at most 10 s after the last burst')
  assert.is(at(606), 16)
  assert.is(at(607), 17)
  assert.ok(length < 20, `the whole clock: ${length}`)
  assert.ok(at(100) <= at(606), 'time keeps its order')
})

test('markers: joins, checks, hints, faults and actions in time order; notes and keystrokes are not markers', () => {
  const markers = markersOf([
    { t: 9, type: 'check', by: 'alice', result: 'OK' },
    { t: 1, type: 'join', who: 'candidate', readonly: false },
    { t: 4, type: 'hint', number: 2 },
    { t: 5, type: 'fault', fault: 'firewall' },
    { t: 6, type: 'interviewer', action: 'note', by: 'alice' },
    { t: 7, type: 'interviewer', action: 'break', fault: 'firewall', by: 'alice' },
    input(8, 'candidate', 'ls\r'),
    { t: 10, type: 'file', who: 'browser (desktop)', direction: 'upload', name: 'data.csv', bytes: 42 },
  ])
  assert.equal(markers, [
    [1, 'candidate joined'],
    [4, 'hint 2 read'],
    [5, 'fault applied: firewall'],
    [7, 'alice: break firewall'],
    [9, 'check by alice: OK'],
    [10, 'browser (desktop) uploaded data.csv (42 bytes)'],
  ])
})

test.run()
