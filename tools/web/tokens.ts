// Web links: each interview gets a candidate link (read-write) and an observer link (read-only),
// each with its own unguessable token. Only the tokens' hashes are kept, as container labels, so
// a link dies with its interview and nothing on disk can be read back into a working link.
import { createHash, randomBytes } from 'node:crypto'

export type WebRole = 'candidate' | 'observer'
export const WEB_ROLES: WebRole[] = ['candidate', 'observer']

export const webLabel = (role: WebRole) => `interview-env.web.${role}`

/** 256 random bits, URL-safe. */
export const newToken = () => randomBytes(32).toString('base64url')

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** Whether a string has the shape of a token (checked before any lookup). */
export const looksLikeToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token)

export interface WebLinks {
  candidate: string
  observer: string
}

/** New tokens for an interview: the labels to put on its container, and the links to print. */
export function newWebAccess(gatewayUrl: string): { labels: Record<string, string>; links: WebLinks } {
  const tokens = { candidate: newToken(), observer: newToken() }
  const base = gatewayUrl.replace(/\/+$/, '')
  return {
    labels: { [webLabel('candidate')]: hashToken(tokens.candidate), [webLabel('observer')]: hashToken(tokens.observer) },
    links: { candidate: `${base}/i/${tokens.candidate}`, observer: `${base}/i/${tokens.observer}` },
  }
}
