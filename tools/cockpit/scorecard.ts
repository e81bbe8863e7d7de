// The scorecard of an interview or a past one: its task's rubric and every interviewer's scores.
// A score is checked against the rubric before it is kept; after the interview ended, the summary
// is written again so that it carries the new score.
import { existsSync } from 'node:fs'
import { UserError } from '../core/errors.ts'
import { readEvents } from '../recording/events.ts'
import { currentScores, saveScore } from '../recording/scores.ts'
import { writeSummary } from '../recording/summary.ts'
import { readRubric, type Criterion } from '../tasks/rubric.ts'
import { listTaskDirs } from '../tasks/task-folder.ts'

export interface Scorecard {
  task: string
  rubric: Criterion[]
  /** Each interviewer's current score of each criterion. */
  scores: Record<string, Record<string, number>>
}

/** The task a recording is of (from its start). */
const taskOf = (dir: string) => {
  const task = readEvents(dir).find((e) => e.type === 'start')?.task
  return typeof task === 'string' ? task : ''
}

export function scorecardOf(dir: string): Scorecard {
  const task = taskOf(dir)
  const folder = listTaskDirs().find((t) => t.name === task)
  return { task, rubric: folder ? readRubric(folder.dir) : [], scores: currentScores(dir) }
}

/** Keeps `by`'s score of a criterion, if the rubric has that criterion and level. */
export function scoreCriterion(dir: string, by: string, body: Record<string, unknown>): Scorecard {
  const { criterion, score } = body
  const { rubric, task } = scorecardOf(dir)
  if (!rubric.length) throw new UserError(`task ${task || '?'} has no rubric`, 'a task gets one with images/tasks/<task>/rubric.md')
  const found = rubric.find((c) => c.name === criterion)
  if (!found) throw new UserError(`"criterion" must be one of: ${rubric.map((c) => c.name).join(', ')}`, 'GET the scorecard to see them')
  if (!found.levels.some((level) => level.score === score))
    throw new UserError(`"score" of "${found.name}" must be one of ${found.levels.map((l) => l.score).join(', ')}`, 'a level of the rubric')
  saveScore(dir, { by, criterion: found.name, score: score as number })
  if (readEvents(dir).some((e) => e.type === 'end') && existsSync(dir)) writeSummary(dir)
  return scorecardOf(dir)
}
