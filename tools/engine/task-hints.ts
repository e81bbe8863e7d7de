// Hints served by the host. A recorded interview's hints leave the box when it is ready: they go to
// the interview's state volume, and the box keeps only how many there are. `task hint` asks for the
// next one through the recorder's feed; the host recorder writes that hint into the box and puts it
// on the timeline. So the count on the record is what the host handed out: root in the box cannot
// read a hint without asking, nor take back one it was given.
import type Docker from 'dockerode'
import { execIn } from './docker.ts'
import { putInStateVolume, readStateVolume } from './checker.ts'

/** Where the image keeps the task's hints (install-task), root-only. */
const BOX_HINTS = '/usr/local/lib/interview/task/hints'
/** Written in the box instead: how many hints the host holds. task-root reads it. */
const HOST_HINTS_MARKER = '/usr/local/lib/interview/task/hints-from-host'
/** Where the host puts each hint it hands out, as N.md. */
export const DELIVERED_HINTS = '/run/interview/hints'
/** A hint longer than this is cut: it is text for a terminal. */
const MAX_HINT_BYTES = 16_384

/**
 * Moves the box's hints into the interview's state volume (saveTaskState made it) and leaves in the
 * box only their number; returns it. Called once, before anyone has the interview's details.
 */
export async function moveHintsOut(docker: Docker, box: Docker.Container, interview: string): Promise<number> {
  const count = await execIn(box, ['sh', '-c', `ls "${BOX_HINTS}" 2>/dev/null | grep -c '^[0-9]*\\.md$'; true`])
  const total = Number(count.stdout.trim()) || 0
  if (total > 0) await putInStateVolume(docker, interview, await box.getArchive({ path: BOX_HINTS }))
  const moved = await execIn(box, ['sh', '-c', `rm -rf "${BOX_HINTS}" && echo "$1" > "${HOST_HINTS_MARKER}"`, 'hints', String(total)])
  if (moved.exitCode !== 0) throw new Error(`moving the hints of ${interview} out of its box: ${moved.stderr.trim()}`)
  return total
}

/** The hints the host holds for the interview, in order (1.md first). */
export async function hostHints(docker: Docker, interview: string): Promise<string[]> {
  const script = `n=$(ls /task/hints 2>/dev/null | grep -c '^[0-9]*\\.md$'); i=1; while [ "$i" -le "$n" ]; do head -c ${MAX_HINT_BYTES} "/task/hints/$i.md" | base64 -w0; echo; i=$((i + 1)); done`
  const stdout = await readStateVolume(docker, interview, script)
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => Buffer.from(line, 'base64').toString('utf8'))
}

/** Hands hint `number` to the box, where `task hint` is waiting for it. */
export async function deliverHint(box: Docker.Container, number: number, text: string): Promise<void> {
  const script = `mkdir -p "${DELIVERED_HINTS}" && printf '%s\\n' "$2" > "${DELIVERED_HINTS}/$1.md.new" && mv -f "${DELIVERED_HINTS}/$1.md.new" "${DELIVERED_HINTS}/$1.md"`
  const result = await execIn(box, ['sh', '-c', script, 'hint', String(number), text])
  if (result.exitCode !== 0) throw new Error(`handing hint ${number} to the box: ${result.stderr.trim()}`)
}
