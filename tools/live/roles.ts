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
import { roleScript } from '../web/client-role.ts'
import { accessOf } from '../door/access.ts'
import { askDoor, controlSocket } from '../door/control.ts'

/**
 * Makes every client of `who` (a name, or a tty) read-only or read-write; returns those changed.
 * `docker` is the engine that runs the box (default: DOCKER_HOST's).
 */
export async function setReadOnly(interview: string, who: string, readonly: boolean, docker?: Docker): Promise<Participant[]> {
  const container = await interviewContainer(docker ?? (await connectDocker()), interview)
  const access = accessOf((await container.inspect()).Config.Labels)
  const people = await participants(container)
  const matching = people.filter((person) => person.who === who || person.tty === who)
  if (!access) return switchRole(container, matching.length ? matching : nobodyCalled(interview, who, people), readonly)
  // A front-door interview: the door switches its own terminals, whose keys it alone passes on.
  // The box's list only turns a tty into a name; the door matches names against what it let in.
  const names = [...new Set([who, ...matching.map((person) => person.who)])]
  const reply = await askDoor(controlSocket(doorPort(access.address)), { op: 'role', interview, names, readonly })
  if (!reply.ok) throw new UserError(`the front door could not switch ${who}: ${reply.error}`, 'see the door log (door.log in its folder)')
  const others = matching.filter((person) => !(person.door && reply.matched.includes(person.who)))
  if (!others.length && !reply.matched.length) nobodyCalled(interview, who, people)
  const switched = reply.switched.map((live) => ({ tty: live.session, who: live.who, role: live.role, readonly, door: true }))
  return [...switched, ...(await switchRole(container, others, readonly))]
}

/** The clients of `who` (a name, or a tty) attached to the interview, or an error that lists who is. */
export async function clientsOf(container: Docker.Container, interview: string, who: string): Promise<Participant[]> {
  const people = await participants(container)
  const matching = people.filter((person) => person.who === who || person.tty === who)
  return matching.length ? matching : nobodyCalled(interview, who, people)
}

/** The port of the door at `address` (host:port, as the card gives it). */
const doorPort = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1))

function nobodyCalled(interview: string, who: string, people: Participant[]): never {
  const names = people.map((person) => `${printable(person.who)} (${printable(person.tty)})`).join(', ')
  throw new UserError(`nobody called "${who}" is attached to "${interview}"`, names ? `attached: ${names}` : 'nobody is attached right now')
}

/** Switches those of `clients` whose role differs, each written to the timeline as it is made; returns them as they are now. */
export async function switchRole(container: Docker.Container, clients: Participant[], readonly: boolean): Promise<Participant[]> {
  const changing = clients.filter((person) => person.readonly !== readonly)
  // The gateway passes on no observer link's keys, whatever tmux is told: say so rather than pretend.
  const linkObserver = changing.find((person) => !readonly && person.door && person.role === 'observer')
  if (linkObserver)
    throw new UserError(
      `${printable(linkObserver.who)} came in through an observer link, whose keys the web gateway never passes on`,
      'give them the candidate link from the card to type',
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
