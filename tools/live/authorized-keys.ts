// The keys that may log in to a running interview, changed without restarting it.
import type Docker from 'dockerode'
import { connectDocker, execIn } from '../engine/docker.ts'
import { UserError } from '../core/errors.ts'
import { interviewContainer } from '../interviews/find.ts'
import { accessOf, doorKey, type DoorKey } from '../door/access.ts'
import { currentKeys, writeKeys as writeDoorKeys } from '../door/key-changes.ts'
import { parsePublicKey, readPublicKeys, type PublicKey } from '../core/ssh-keys.ts'

const FILE = '/home/user/.ssh/authorized_keys'

/**
 * What an observer's key may do, besides what the login gate allows it: a terminal, and nothing else
 * (no forwarding, no ~/.ssh/rc), and the gate as its forced command should sshd's ForceCommand go.
 */
export const OBSERVER_KEY_OPTIONS = 'restrict,pty,command="/usr/local/lib/interview/login"'

interface AuthorizedKey {
  key: PublicKey
  /** The options in front of the key (the interview's own, e.g. an observer's), or ''. */
  options: string
}

/** One authorized_keys line, with or without options in front. */
export function parseAuthorizedKey(text: string): AuthorizedKey | undefined {
  const key = parsePublicKey(text)
  if (key) return { key, options: '' }
  const [options, ...rest] = text.trim().split(/\s+/)
  const after = parsePublicKey(rest.join(' '))
  return after && options ? { key: after, options } : undefined
}

async function readKeys(container: Docker.Container): Promise<AuthorizedKey[]> {
  const result = await execIn(container, ['cat', FILE])
  return result.stdout
    .split('\n')
    .map(parseAuthorizedKey)
    .filter((entry): entry is AuthorizedKey => !!entry)
}

async function writeKeys(container: Docker.Container, keys: AuthorizedKey[]): Promise<void> {
  const text = keys.map(({ key, options }) => (options ? `${options} ${key.line}` : key.line) + '\n').join('')
  const script = `umask 077; printf '%s' "$1" > ${FILE}.new && chown user:user ${FILE}.new && mv ${FILE}.new ${FILE}`
  const result = await execIn(container, ['sh', '-c', script, 'sh', text])
  if (result.exitCode !== 0)
    throw new UserError(
      `could not write the interview's authorized keys: ${result.stderr.trim()}`,
      'is the interview still running? (npx zx scripts/list.mjs)',
    )
}

/**
 * A front-door interview's keys are the door's, on the host (door/key-changes.ts): the box's
 * authorized_keys would open nothing. Undefined for an interview the box's sshd lets in.
 */
async function doorKeysOf(container: Docker.Container, interview: string) {
  const info = await container.inspect()
  const access = accessOf(info.Config.Labels)
  if (!access) return undefined
  const keys = currentKeys(access, interview, info.Id)
  return {
    keys,
    write: (next: DoorKey[]) => writeDoorKeys(interview, info.Id, next),
  }
}

const fingerprintOfLine = (key: DoorKey) => parsePublicKey(key.line)?.fingerprint
const asPublicKey = (key: DoorKey) => parsePublicKey(key.line)

export type KeyRole = 'candidate' | 'interviewer' | 'observer'
export const KEY_ROLES: KeyRole[] = ['candidate', 'interviewer', 'observer']
const PARTICIPANTS = '/etc/interview/participants'

/**
 * Adds the keys in `file` (checked before anything changes); returns those that were new. An
 * interviewer's or observer's key is also listed with its role, which its next login takes.
 */
export async function addKeys(interview: string, file: string, role: KeyRole = 'candidate'): Promise<PublicKey[]> {
  if (!KEY_ROLES.includes(role)) throw new UserError(`--role ${role} is not a role`, `use one of: ${KEY_ROLES.join(', ')}`)
  const wanted = readPublicKeys(file)
  const container = await interviewContainer(await connectDocker(), interview)
  const door = await doorKeysOf(container, interview)
  if (door) {
    const isWanted = (key: DoorKey) => wanted.some((k) => k.fingerprint === fingerprintOfLine(key))
    door.write([...door.keys.filter((key) => !isWanted(key)), ...wanted.map((key) => doorKey(key, role))])
    return wanted.filter((key) => !door.keys.some((k) => fingerprintOfLine(k) === key.fingerprint))
  }
  const options = role === 'observer' ? OBSERVER_KEY_OPTIONS : ''
  // A key given again takes the role given now, with that role's options.
  const before = await readKeys(container)
  const isWanted = (key: PublicKey) => wanted.some((k) => k.fingerprint === key.fingerprint)
  const added = wanted.filter((key) => !before.some(({ key: k }) => k.fingerprint === key.fingerprint))
  await writeKeys(container, [...before.filter(({ key }) => !isWanted(key)), ...wanted.map((key) => ({ key, options }))])
  await forgetRoles(container, wanted)
  if (role !== 'candidate') {
    const lines = wanted.map((key) => `${key.fingerprint} ${role} ${key.comment || key.fingerprint}\n`).join('')
    await execIn(container, ['sh', '-c', `printf '%s' "$1" >> ${PARTICIPANTS}`, 'sh', lines])
  }
  return added
}

async function forgetRoles(container: Docker.Container, keys: PublicKey[]): Promise<void> {
  for (const key of keys) await execIn(container, ['sed', '-i', `/^${key.fingerprint.replace(/[/+]/g, '\\$&')} /d`, PARTICIPANTS])
}

export async function listKeys(interview: string): Promise<PublicKey[]> {
  const container = await interviewContainer(await connectDocker(), interview)
  const door = await doorKeysOf(container, interview)
  if (door) return door.keys.map(asPublicKey).filter((key): key is PublicKey => !!key)
  return (await readKeys(container)).map(({ key }) => key)
}

/** Removes the keys in a file, or the key with a given fingerprint or comment. */
export async function removeKeys(interview: string, which: string): Promise<PublicKey[]> {
  const byFile = /^SHA256:/.test(which) ? undefined : tryReadKeys(which)
  const container = await interviewContainer(await connectDocker(), interview)
  const matchesKey = (key: PublicKey) =>
    byFile ? byFile.some((k) => k.fingerprint === key.fingerprint) : key.fingerprint === which || key.comment === which
  const noneMatch = () =>
    new UserError(`interview "${interview}" has no key matching ${which}`, `see its keys: npx zx scripts/keys.mjs list ${interview}`)
  const door = await doorKeysOf(container, interview)
  if (door) {
    const removed = door.keys.map(asPublicKey).filter((key): key is PublicKey => !!key && matchesKey(key))
    if (!removed.length) throw noneMatch()
    door.write(door.keys.filter((key) => !removed.some((k) => k.fingerprint === fingerprintOfLine(key))))
    return removed
  }
  const keys = await readKeys(container)
  const matches = ({ key }: AuthorizedKey) => matchesKey(key)
  const removed = keys.filter(matches).map(({ key }) => key)
  if (!removed.length) throw noneMatch()
  await writeKeys(
    container,
    keys.filter((entry) => !matches(entry)),
  )
  await forgetRoles(container, removed)
  return removed
}

function tryReadKeys(which: string): PublicKey[] | undefined {
  try {
    return readPublicKeys(which)
  } catch (error) {
    if (error instanceof UserError && /cannot read/.test(error.message)) return undefined
    throw error
  }
}
