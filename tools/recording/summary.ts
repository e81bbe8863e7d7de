// summary.md beside the recording: task, duration, check results over time, hints used, commands
// run outside the shared terminal, who joined. Written by the recorder when the interview ends
// (stop, kill, time limit). Names and results come from the box: they are escaped, so they can
// neither break the Markdown nor carry terminal controls to whoever prints the file.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { markdownText } from '../core/printable.ts'
import { clock, readEvents } from './events.ts'
import { FILES } from './paths.ts'
import { currentScores } from './scores.ts'

export function summaryMarkdown(dir: string): string {
  const events = readEvents(dir)
  const start = events.find((e) => e.type === 'start')
  const end = [...events].reverse().find((e) => e.type === 'end')
  const duration = end ? end.t : (events.at(-1)?.t ?? 0)
  const checks = events.filter((e) => e.type === 'check')
  // Only a check the host ran counts as the verdict: the box's own are self-reported by the candidate.
  const verdicts = checks.filter((e) => e.selfReported !== true)
  const lastSelfReported = checks.filter((e) => e.selfReported === true).at(-1)
  const hints = events.filter((e) => e.type === 'hint').length
  const reattached = events.filter((e) => e.type === 'reattach').length
  const gaps = events.filter((e) => e.type === 'gap').map((e) => Number(e.seconds) || 0)
  // A command's end stands for it when it ended; its start when it never did (e.g. a fork bomb).
  const ended = new Set(events.filter((e) => e.type === 'exec' && e.status !== undefined).map((e) => e.login))
  const execs = events.filter((e) => e.type === 'exec' && (e.status !== undefined || e.refused || !ended.has(e.login)))
  const people = new Map<string, { role: string; joins: number; first: number }>()
  for (const e of events.filter((e) => e.type === 'join')) {
    const who = String(e.who)
    const known = people.get(who)
    if (known) known.joins++
    else people.set(who, { role: String(e.role), joins: 1, first: e.t })
  }
  const lines = [
    `# Interview ${start?.interview ?? '?'}`,
    '',
    `- **Task:** ${start?.task ?? '?'}`,
    `- **Started:** ${start?.time ?? '?'}`,
    `- **Duration:** ${clock(duration)}${events.some((e) => e.type === 'expired') ? ' (stopped by its time limit)' : ''}`,
    ...(gaps.length
      ? [
          `- **Not recorded:** ${gaps.reduce((a, b) => a + b, 0)} s in ${gaps.length} gap${gaps.length > 1 ? 's' : ''} (the recorder was restarted)`,
        ]
      : []),
    ...(reattached
      ? [
          `- **Closed inside the box:** the recorder's view or feed, ${reattached} time${reattached > 1 ? 's' : ''}; each time it was opened again within seconds (see \`reattach\` on the timeline)`,
        ]
      : []),
    `- **Hints used:** ${hints}`,
    `- **Final check:** ${
      verdicts.length
        ? markdownText(verdicts.at(-1)!.result)
        : `never run by an interviewer${lastSelfReported ? ` (the candidate's last \`task check\`, self-reported: ${markdownText(lastSelfReported.result)})` : ''}`
    }`,
    `- **Recording:** \`${FILES.cast}\` (replay: \`npx zx scripts/replay.mjs ${start?.interview ?? '<interview>'}\`), timeline: \`${FILES.events}\``,
    '',
    ...scoresSection(dir),
    '## Checks over time',
    '',
    ...(checks.length
      ? [
          '| at | by | result |',
          '|---|---|---|',
          ...checks.map(
            (c) =>
              `| ${clock(c.t)} | ${c.selfReported === true ? 'candidate (self-reported)' : markdownText(c.by)} | ${markdownText(c.result)} |`,
          ),
        ]
      : ['No check was run.']),
    '',
    '## Commands run outside the shared terminal',
    '',
    ...(execs.length
      ? [
          '| at | who | role | command | result |',
          '|---|---|---|---|---|',
          ...execs.map(
            (e) =>
              `| ${clock(e.t)} | ${markdownText(e.who)} | ${markdownText(e.role)} | ${markdownText(e.command)} | ${e.refused ? 'refused (--no-exec)' : e.status === undefined ? 'started' : `exit ${e.status}`} |`,
          ),
        ]
      : ['None: everything happened in the shared terminal.']),
    '',
    '## Who joined',
    '',
    ...(people.size
      ? [
          '| who | role | first joined | joins |',
          '|---|---|---|---|',
          ...[...people].map(([who, p]) => `| ${markdownText(who)} | ${markdownText(p.role)} | ${clock(p.first)} | ${p.joins} |`),
        ]
      : ['Nobody joined.']),
    '',
  ]
  return lines.join('\n')
}

/** The rubric's scores, a column per interviewer, when any was given. */
function scoresSection(dir: string): string[] {
  const scores = currentScores(dir)
  const by = Object.keys(scores).sort()
  if (!by.length) return []
  const criteria = [...new Set(by.flatMap((name) => Object.keys(scores[name]!)))]
  return [
    '## Scores',
    '',
    `| criterion | ${by.map(markdownText).join(' | ')} |`,
    `|---|${by.map(() => '---|').join('')}`,
    ...criteria.map((criterion) => `| ${markdownText(criterion)} | ${by.map((name) => scores[name]![criterion] ?? '-').join(' | ')} |`),
    '',
  ]
}

export function writeSummary(dir: string): void {
  writeFileSync(join(dir, FILES.summary), summaryMarkdown(dir))
}
