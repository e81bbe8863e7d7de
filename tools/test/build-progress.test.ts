import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BuildProgress, parseStep, stepLine } from '../images/build-progress.ts'

/** A writer that keeps what it was given, and a clock moved by hand. */
function capture(isTTY: boolean) {
  const out = { text: '', isTTY, columns: 80, write: (text: string) => void (out.text += text) }
  let now = 1000
  return { out, clock: () => now, advance: (ms: number) => void (now += ms) }
}

const BUILD = [
  'Sending build context to Docker daemon  4.096kB',
  'Step 1/3 : ARG BASE=interview-env/base',
  'Step 2/3 : FROM ${BASE}',
  ' ---> 996e0b1f83cb',
  'Step 3/3 : RUN apt-get install -y nginx',
  ' ---> Running in 0a1b2c3d',
  'Get:1 http://deb.debian.org/debian bookworm/main amd64 nginx 1.22.1-9 [38.9 kB]',
  'Setting up nginx (1.22.1-9) ...',
]

test('a step line names the image, the step, the instruction and the elapsed time', () => {
  assert.equal(parseStep('Step 3/9 : RUN apt-get install -y jq'), { number: 3, total: 9, instruction: 'RUN apt-get install -y jq' })
  assert.is(parseStep('Setting up jq (1.6) ...'), undefined)
  assert.is(
    stepLine('base', { number: 3, total: 9, instruction: 'RUN apt-get install -y jq' }, 12_345),
    'base  step 3/9  RUN apt-get install -y jq  12.3s',
  )
  const long = stepLine('base', { number: 1, total: 2, instruction: `RUN ${'x'.repeat(200)}` }, 0, '', 60)
  assert.is(long.length, 60)
  assert.ok(long.includes('...  0.0s'))
  assert.not.ok(
    stepLine('t', { number: 1, total: 1, instruction: 'RUN echo \x1b]52;c;aGk=\x07' }, 0).includes('\x1b'),
    'no escape sequence reaches the terminal',
  )
})

test("without a terminal: one line per finished step, nothing of the steps' own output", () => {
  const { out, clock, advance } = capture(false)
  const progress = new BuildProgress('hello', out, clock)
  progress.feed(BUILD.slice(0, 3).join('\n') + '\n')
  advance(1500)
  progress.feed(BUILD.slice(3).join('\n').slice(0, 40)) // a chunk ends mid-line
  advance(2000)
  progress.feed(BUILD.slice(3).join('\n').slice(40) + '\n')
  advance(10_000)
  progress.finish(true)
  assert.equal(out.text.split('\n'), [
    'hello  step 1/3  ARG BASE=interview-env/base  0.0s',
    'hello  step 2/3  FROM ${BASE}  3.5s',
    'hello  step 3/3  RUN apt-get install -y nginx  10.0s',
    '',
  ])
})

test('a cached step says so, and a failed build marks its last step', () => {
  const { out, clock } = capture(false)
  const progress = new BuildProgress('hello', out, clock)
  progress.feed('Step 1/2 : RUN true\n ---> Using cache\n ---> 1234\nStep 2/2 : RUN exit 3\n ---> Running in 99\n')
  progress.finish(false)
  assert.equal(out.text.trimEnd().split('\n'), ['hello  step 1/2  RUN true  0.0s  cached', 'hello  step 2/2  RUN exit 3  0.0s  failed'])
})

test('on a terminal the step line is rewritten in place, and ends with a newline', () => {
  const { out, clock, advance } = capture(true)
  const progress = new BuildProgress('hello', out, clock)
  progress.feed('Step 1/1 : RUN sleep 5\n')
  advance(5000)
  progress.finish(true)
  assert.is(out.text, '\r\x1b[Khello  step 1/1  RUN sleep 5  0.0s\r\x1b[Khello  step 1/1  RUN sleep 5  5.0s\n')
})

test('compose builds several services in one run: each gets its own lines', () => {
  const { out, clock } = capture(false)
  const progress = new BuildProgress('shop-outage', out, clock)
  progress.feed('Building db\nStep 1/1 : FROM postgres\nBuilding web\nStep 1/1 : FROM nginx\n')
  progress.finish(true)
  assert.equal(out.text.trimEnd().split('\n'), [
    'shop-outage-db  step 1/1  FROM postgres  0.0s',
    'shop-outage-web  step 1/1  FROM nginx  0.0s',
  ])
})

test.run()
