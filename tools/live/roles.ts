// Switching a participant between read-only and read-write while the session goes on (tmux's
// read-only clients). The switch is written to the recording's timeline here, by the command that
// made it, so a role held for less than the recorder's notice is still on the record.
import { existsSync } from 'node:fs'
import type Docker from 'dockerode'
import { connectDocker, execIn } from '../engine/docker.ts'
import { UserError } from '../core/errors.ts'
import { printable } from '../core/printable.ts'
import { interviewContainer } from '../interviews/find.ts'
import { LABEL } from '../engine/names.ts'
import { participants, type Participant } from '../interviews/participants.ts'
import { appendEvent, castClock } from '../recording/events.ts'

/**
 * The tmux commands that give a client a role: a watcher is read-only and never sizes the shared
 * window (ignore-size); one who types is neither. tmux 3.3 can set read-only with refresh-client -f
 * but not clear it, and switch-client -r toggles it: so the toggle runs only when the flag differs,
 * in the same shell, and a switch repeated or raced ends the same.
 */
export function roleScript(tty: string, readonly: boolean): string[] {
  const script = readonly
    ? 'tmux refresh-client -t "$1" -f read-only,ignore-size'
    : 'tmux refresh-client -t "$1" -f !ignore-size && { [ "$(tmux display-message -p -c "$1" "#{client_readonly}")" = 0 ] || tmux switch-client -c "$1" -r; }'
  // The recorder's feed hears of the switch at once (no tmux hook fires on a client's flags).
  return ['sh', '-c', `${script}; status=$?; /usr/local/lib/interview/feed-wake; exit $status`, 'role', tty]
}

/** Makes every client of `who` (a name, or a tty) read-only or read-write; returns those changed. */
export async function setReadOnly(interview: string, who: string, readonly: boolean): Promise<Participant[]> {
  const container = await interviewContainer(await connectDocker(), interview)
  return switchRole(container, await clientsOf(container, interview, who), readonly)
}

/** The clients of `who` (a name, or a tty) attached to the interview, or an error that lists who is. */
export async function clientsOf(container: Docker.Container, interview: string, who: string): Promise<Participant[]> {
  const people = await participants(container)
  const matching = people.filter((person) => person.who === who || person.tty === who)
  if (!matching.length) {
    const names = people.map((person) => `${printable(person.who)} (${printable(person.tty)})`).join(', ')
    throw new UserError(
      `nobody called "${who}" is attached to "${interview}"`,
      names ? `attached: ${names}` : 'nobody is attached right now',
    )
  }
  return matching
}

/** Switches those of `clients` whose role differs, each written to the timeline as it is made; returns them as they are now. */
export async function switchRole(container: Docker.Container, clients: Participant[], readonly: boolean): Promise<Participant[]> {
  const changing = clients.filter((person) => person.readonly !== readonly)
  // A door passes on no observer's keys, whatever tmux is told: say so rather than pretend.
  const doorObserver = changing.find((person) => !readonly && person.door && person.role === 'observer')
  if (doorObserver)
    throw new UserError(
      `${printable(doorObserver.who)} came in as an observer through a door (run --door, or an observer link), which never passes an observer's keys on`,
      'let them type with an interviewer key (run --interviewer) or a candidate link next time',
    )
  const dir = changing.length ? (await container.inspect()).Config.Labels[LABEL.recording] : undefined
  const record = (person: Participant, fields: Record<string, unknown>) => {
    if (dir && existsSync(dir))
      appendEvent(dir, { t: castClock(dir), type: 'role', who: person.who, tty: person.tty, by: 'role.mjs', ...fields })
  }
  for (const person of changing) {
    // On the record before it is made, so the recorder, which may see the switch at once, knows it
    // was this command's; a switch that fails is put back on the record.
    record(person, { readonly })
    const result = await execIn(container, roleScript(person.tty, readonly), { user: 'user' })
    if (result.exitCode !== 0) {
      record(person, { readonly: person.readonly, failed: result.stderr.trim().slice(0, 200) })
      throw new UserError(
        `could not switch ${printable(person.who)}: ${result.stderr.trim()}`,
        'did they just leave? see npx zx scripts/list.mjs',
      )
    }
  }
  return changing.map((person) => ({ ...person, readonly }))
}
