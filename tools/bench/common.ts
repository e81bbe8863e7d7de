// Helpers for the bench/ scripts: statistics, units, and the table in docs/benchmarks.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from '../core/paths.ts'

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** A container's memory as Docker counts it, less the file cache it can drop at once. */
export function idleMemory(stats: { memory_stats: { usage: number; stats?: Record<string, number> } }): number {
  const memory = stats.memory_stats
  return memory.usage - (memory.stats?.total_inactive_file ?? memory.stats?.inactive_file ?? 0)
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export const formatMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`)
export const formatMiB = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`

/** `2 cores, 24 GiB`: the machine a table was measured on. */
export const hostFacts = () => `${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB`

export function markdownTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n')
}

/** Renders a section; with `write`, replaces (or appends) that section of docs/benchmarks.md. */
export function recordBenchmark(
  title: string,
  machine: string,
  header: string[],
  rows: string[][],
  write = false,
  file = join(REPO_ROOT, 'docs/benchmarks.md'),
): string {
  const section = `## ${title}\n\nMeasured ${new Date().toISOString().slice(0, 10)} on ${hostFacts()}, ${machine}.\n\n${markdownTable(header, rows)}\n`
  if (write) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nMade by the scripts in bench/; each section says which.\n'
    const pattern = new RegExp(`## ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*?(?=\\n## |$)`)
    writeFileSync(file, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}`)
  }
  return section
}
