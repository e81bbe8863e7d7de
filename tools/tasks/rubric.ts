// A task's scorecard: rubric.md beside task.md, with one `## Criterion` heading per criterion, an
// optional line saying what it looks at, and its levels as a numbered list (the number is the
// score). The cockpit shows it beside the notes; interviewers score each criterion.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'

export interface RubricLevel {
  score: number
  text: string
}

export interface Criterion {
  name: string
  about: string
  levels: RubricLevel[]
}

export const RUBRIC_FILE = 'rubric.md'

/** The criteria of a rubric's text; a malformed one is a UserError naming the line. */
export function parseRubric(text: string, file = RUBRIC_FILE): Criterion[] {
  const criteria: Criterion[] = []
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim()
    const where = `${file}:${index + 1}`
    const heading = /^##\s+(.+)$/.exec(line)
    if (heading) return void criteria.push({ name: heading[1]!.trim(), about: '', levels: [] })
    if (!line || line.startsWith('# ')) return
    const current = criteria.at(-1)
    if (!current) throw new UserError(`${where}: text before the first "## Criterion" heading`, 'start each criterion with "## Name"')
    const level = /^(\d+)\.\s+(.+)$/.exec(line)
    if (level) {
      const score = Number(level[1])
      if (current.levels.some((l) => l.score === score))
        throw new UserError(`${where}: level ${score} of "${current.name}" twice`, 'number the levels 1, 2, 3...')
      return void current.levels.push({ score, text: level[2]!.trim() })
    }
    if (current.levels.length)
      throw new UserError(`${where}: text after the levels of "${current.name}"`, 'put what the criterion looks at before its levels')
    current.about = current.about ? `${current.about} ${line}` : line
  })
  const empty = criteria.find((c) => c.levels.length < 2)
  if (empty)
    throw new UserError(
      `${file}: "${empty.name}" has fewer than two levels`,
      'give each criterion a numbered list of levels (1. ..., 2. ...)',
    )
  return criteria
}

/** The rubric of a task folder, or none when it ships no rubric.md. */
export function readRubric(taskDir: string): Criterion[] {
  const file = join(taskDir, RUBRIC_FILE)
  return existsSync(file) ? parseRubric(readFileSync(file, 'utf8'), file) : []
}
