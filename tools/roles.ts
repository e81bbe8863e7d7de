// Switching a participant between read-only and read-write while the session goes on (tmux's
// read-only clients).
import { connectDocker, execIn } from './docker.ts'
import { UserError } from './errors.ts'
import { printable } from './printable.ts'
import { interviewContainer } from './interviews.ts'
import { participants, type Participant } from './participants.ts'

/** Makes every client of `who` (a name, or a tty) read-only or read-write; returns those changed. */
export async function setReadOnly(interview: string, who: string, readonly: boolean): Promise<Participant[]> {
  const container = await interviewContainer(await connectDocker(), interview)
  const people = await participants(container)
  const matching = people.filter((person) => person.who === who || person.tty === who)
  if (!matching.length) {
    const names = people.map((person) => `${printable(person.who)} (${printable(person.tty)})`).join(', ')
    throw new UserError(`nobody called "${who}" is attached to "${interview}"`, names ? `attached: ${names}` : 'nobody is attached right now')
  }
  const changing = matching.filter((person) => person.readonly !== readonly)
  for (const person of changing) {
    // `switch-client -r` toggles the flag: only clients whose flag differs are switched.
    const result = await execIn(container, ['tmux', 'switch-client', '-c', person.tty, '-r'], { user: 'user' })
    if (result.exitCode !== 0) throw new UserError(`could not switch ${printable(person.who)}: ${printable(result.stderr.trim())}`, 'did they just leave? see npx zx scripts/list.mjs')
  }
  return changing
}
