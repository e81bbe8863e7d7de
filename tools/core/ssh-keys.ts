// SSH public keys: reading and checking them, fingerprints, and new keypairs for candidates.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ssh2 from 'ssh2'
import { UserError } from './errors.ts'

export interface PublicKey {
  /** The authorized_keys line: type, base64 blob and comment. */
  line: string
  type: string
  comment: string
  fingerprint: string
}

/** SHA256 fingerprint of a key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(blobBase64: string): string {
  return 'SHA256:' + createHash('sha256').update(Buffer.from(blobBase64, 'base64')).digest('base64').replace(/=+$/, '')
}

/** Parses one authorized_keys-style line (options in front are not allowed), or returns undefined. */
export function parsePublicKey(text: string): PublicKey | undefined {
  const line = text.trim()
  const [type, blob, ...comment] = line.split(/\s+/)
  if (!type || !blob) return undefined
  const parsed = ssh2.utils.parseKey(`${type} ${blob}`)
  if (!parsed || parsed instanceof Error) return undefined
  return { line: [type, blob, ...comment].join(' '), type, comment: comment.join(' '), fingerprint: fingerprintOf(blob) }
}

/** Every public key in a file; throws a one-line error for a missing, unreadable or invalid file. */
export function readPublicKeys(file: string): PublicKey[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UserError(
      `cannot read key file ${file} (${(error as NodeJS.ErrnoException).code})`,
      'give the path of an SSH public key, e.g. ~/.ssh/id_ed25519.pub',
    )
  }
  if (text.includes('PRIVATE KEY')) {
    throw new UserError(`${file} is a private key`, `give the public half instead: ${file}.pub`)
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
  const keys = lines.map(parsePublicKey)
  const bad = keys.findIndex((key) => !key)
  if (!lines.length || bad !== -1) {
    throw new UserError(
      `${file} is not an SSH public key${lines.length ? ` (line ${bad + 1})` : ''}`,
      'make one with `npx zx scripts/keys.mjs new NAME` or `ssh-keygen -t ed25519`',
    )
  }
  return keys as PublicKey[]
}

/** A fresh ed25519 keypair, in OpenSSH formats. */
export function newKeyPair(comment: string): { privateKey: string; publicKey: string } {
  // ssh2 drops a leading zero byte of an ed25519 key (about 1 key in 128), which gives a 31-byte
  // key that OpenSSH rejects: draw again until the key has its 32 bytes.
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment })
    if (ed25519KeyLength(pair.public) === 32) return { privateKey: pair.private, publicKey: pair.public }
  }
}

/** The length field of the key in an `ssh-ed25519 BASE64 comment` line (32 when well formed). */
export function ed25519KeyLength(publicKey: string): number {
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64')
  const typeLength = blob.readUInt32BE(0)
  return blob.length >= 8 + typeLength ? blob.readUInt32BE(4 + typeLength) : -1
}

/** Writes a keypair for a candidate into `dir` (git-ignored `keys/` by default). */
export function writeKeyPair(name: string, dir: string): { privateKey: string; publicKey: string } {
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new UserError(`"${name}" cannot name a key file`, 'use letters, digits, dots, dashes and underscores')
  const privateKey = join(dir, name)
  const publicKey = `${privateKey}.pub`
  if (existsSync(privateKey) || existsSync(publicKey))
    throw new UserError(`${privateKey} already exists`, 'choose another name, or remove the old keypair first')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const pair = newKeyPair(`interview-env ${name}`)
  writeFileSync(privateKey, pair.privateKey, { mode: 0o600 })
  writeFileSync(publicKey, pair.publicKey + '\n', { mode: 0o644 })
  return { privateKey, publicKey }
}
