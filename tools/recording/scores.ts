// Interviewers' scores of a task's rubric (tools/tasks/rubric.ts), kept beside the recording in
// scores.jsonl (mode 0600), never in the box: one line per score given, the last one of an
// interviewer for a criterion counts. The summary carries them.
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const SCORES_FILE = 'scores.jsonl'

export interface Score {
  time: string
  by: string
  criterion: string
  score: number
}

export function saveScore(dir: string, score: Omit<Score, 'time'>): void {
  appendFileSync(join(dir, SCORES_FILE), JSON.stringify({ time: new Date().toISOString(), ...score }) + '\n', { mode: 0o600 })
}

/** Each interviewer's current score of each criterion: by name, then by criterion. */
export function currentScores(dir: string): Record<string, Record<string, number>> {
  const file = join(dir, SCORES_FILE)
  // Keyed by names and criteria: objects with no prototype, so no name is taken for Object's own.
  const scores: Record<string, Record<string, number>> = Object.create(null)
  if (!existsSync(file)) return scores
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const { by, criterion, score } = JSON.parse(line) as Score
    ;(scores[by] ??= Object.create(null) as Record<string, number>)[criterion] = score
  }
  return scores
}
