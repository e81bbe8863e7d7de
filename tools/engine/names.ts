// How interviews, containers, networks and images are named and labelled: the one place that spells a label.
import { randomBytes } from 'node:crypto'
import { UserError } from '../core/errors.ts'

export const LABEL = {
  managed: 'interview-env.managed',
  interview: 'interview-env.interview',
  task: 'interview-env.task',
  role: 'interview-env.role',
  endsAt: 'interview-env.ends-at',
  recording: 'interview-env.recording',
  variant: 'interview-env.variant',
  /** Who may come in through the host's SSH front door (tools/door/access.ts); absent: the box's own sshd. */
  door: 'interview-env.door',
  /** On an image: which image of images/ it was built from. */
  image: 'interview-env.image',
  /** Docker Compose's own label: the service a container runs. */
  composeService: 'com.docker.compose.service',
} as const

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/

/** Throws unless `name` can name an interview (and so a container, a network and a host). */
export function checkInterviewName(name: string): string {
  if (!NAME.test(name) || name.endsWith('-')) {
    throw new UserError(
      `"${name}" cannot name an interview`,
      'use 1 to 40 lower-case letters, digits and dashes, starting with a letter or digit (e.g. --name alice-1)',
    )
  }
  return name
}

/** A fresh interview name: the task and four random characters, e.g. `base-7fk2`. */
export function newInterviewName(task: string, random: () => Buffer = () => randomBytes(4)): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const suffix = [...random()].map((byte) => alphabet[byte % alphabet.length]).join('')
  return `${task}-${suffix}`.slice(-40).replace(/^-+/, '')
}

export const containerName = (interview: string) => `ie-${interview}`
export const networkName = (interview: string) => `ie-${interview}`
export const imageTag = (image: string) => `interview-env/${image}`

/** Labels for everything an interview owns, so `list` and `stop` find it and touch nothing else. */
export function interviewLabels(interview: string, task: string, role = 'interview'): Record<string, string> {
  return { [LABEL.managed]: 'true', [LABEL.interview]: interview, [LABEL.task]: task, [LABEL.role]: role }
}

/** The environment variables the desktop image reads its VNC passwords from: full control, and view only. */
export const VNC_ENV = { candidate: 'INTERVIEW_VNC_PASSWORD', observer: 'INTERVIEW_VNC_VIEW_PASSWORD' } as const

/** The VNC password a desktop box's environment holds for `role`. */
export const vncPasswordOf = (env: readonly string[] | undefined, role: keyof typeof VNC_ENV): string | undefined =>
  env?.find((line) => line.startsWith(`${VNC_ENV[role]}=`))?.slice(VNC_ENV[role].length + 1)
