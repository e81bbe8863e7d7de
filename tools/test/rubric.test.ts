import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseRubric, readRubric } from '../tasks/rubric.ts'
import { listTaskDirs } from '../tasks/task-folder.ts'

test('a rubric: criteria by heading, what each looks at, and numbered levels', () => {
  const rubric = parseRubric(
    [
      '# Scorecard',
      '',
      '## Diagnosis',
      'Where they looked',
      'first.',
      '1. guessed',
      '2. read the logs',
      '',
      '## Fix',
      '1. worked around',
      '3. fixed the cause',
    ].join('\n'),
  )
  assert.equal(rubric, [
    {
      name: 'Diagnosis',
      about: 'Where they looked first.',
      levels: [
        { score: 1, text: 'guessed' },
        { score: 2, text: 'read the logs' },
      ],
    },
    {
      name: 'Fix',
      about: '',
      levels: [
        { score: 1, text: 'worked around' },
        { score: 3, text: 'fixed the cause' },
      ],
    },
  ])
})

test('a malformed rubric names its line', () => {
  assert.throws(() => parseRubric('1. a\n'), /rubric\.md:1: text before the first "## Criterion" heading/)
  assert.throws(() => parseRubric('## A\n1. a\n1. b\n'), /rubric\.md:3: level 1 of "A" twice/)
  assert.throws(() => parseRubric('## A\n1. a\n2. b\nmore\n'), /rubric\.md:4: text after the levels of "A"/)
  assert.throws(() => parseRubric('## A\nabout\n'), /"A" has fewer than two levels/)
})

test("every task's rubric.md parses", () => {
  const withRubric = listTaskDirs().filter((task) => readRubric(task.dir).length)
  assert.ok(withRubric.map((t) => t.name).includes('hello'))
})

test.run()
