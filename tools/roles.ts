// Switching a participant between read-only and read-write while the session goes on (tmux's
// read-only clients). The switch is written to the recording's timeline here, by the command that
// made it, so a role held for less than the recorder's notice is still on the record.
import { existsSync } from 'node:fs'
import type Docker from 'dockerode'
import { connectDocker, execIn } from './docker.ts'
import { UserError } from './errors.ts'
import { interviewContainer } from './interviews.ts'
import { LABEL } from './names.ts'
import { participants, type Participant } from './participants.ts'
import { appendEvent, castClock } from './recording/events.ts'

/**
 * The tmux client flags of a role: a watcher is read-only and never sizes the shared window (only
 * a client that can type does). Set, not toggled, so a switch repeated or raced ends the same.
 */
export const clientFlags = (readonly: boolean) => (readonly ? 'read-only,ignore-size' : '!read-only,!ignore-size')

/** Makes every client of `who` (a name, or a tty) read-only or read-write; returns those changed. */
export async function setReadOnly(interview: string, who: string, readonly: boolean): Promise<Participant[]> {
  const container = await interviewContainer(await connectDocker(), interview)
  const people = await participants(container)
  const matching = people.filter((person) => person.who === who || person.tty === who)
  if (!matching.length) {
    const names = people.map((person) => `${person.who} (${person.tty})`).join(', ')
    throw new UserError(`nobody called "${who}" is attached to "${interview}"`, names ? `attached: ${names}` : 'nobody is attached right now')
  }
  const changing = matching.filter((person) => person.readonly !== readonly)
  for (const person of changing) {
    const result = await execIn(container, ['tmux', 'refresh-client', '-t', person.tty, '-f', clientFlags(readonly)], { user: 'user' })
    if (result.exitCode !== 0) throw new UserError(`could not switch ${person.who}: ${result.stderr.trim()}`, 'did they just leave? see npx zx scripts/list.mjs')
    await recordRole(container, person, readonly)
  }
  return changing
}

async function recordRole(container: Docker.Container, person: Participant, readonly: boolean): Promise<void> {
  const dir = (await container.inspect()).Config.Labels[LABEL.recording]
  if (dir && existsSync(dir)) appendEvent(dir, { t: castClock(dir), type: 'role', who: person.who, readonly, tty: person.tty, by: 'role.mjs' })
}
