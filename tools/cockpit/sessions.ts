// Signed-in browsers of the cockpit: a random session id in an HttpOnly, SameSite=Strict cookie,
// and a CSRF token the page sends back in a header with every change. Kept in memory: a restart of
// the server signs everyone out.
import { randomBytes } from 'node:crypto'

export const SESSION_COOKIE = 'ie_session'
export const CSRF_HEADER = 'x-csrf-token'

export interface Session {
  name: string
  /** The hash of the token signed in with: a new token for the same name ends the old sessions. */
  tokenHash: string
  csrf: string
  expires: number
}

/** Sessions one interviewer may hold at once; past it, their oldest ends. */
export const SESSIONS_PER_NAME = 20

export class Sessions {
  private sessions = new Map<string, Session>()

  constructor(
    private readonly lifetimeMs = 12 * 3600_000,
    private readonly now = () => Date.now(),
    private readonly max = 10_000,
  ) {}

  create(name: string, tokenHash = ''): { id: string; session: Session } {
    this.prune()
    // One interviewer signing in again and again ends their own oldest sessions, not everyone's.
    const theirs = [...this.sessions].filter(([, session]) => session.name === name)
    if (theirs.length >= SESSIONS_PER_NAME) this.sessions.delete(theirs[0]![0])
    if (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value!)
    const id = randomBytes(32).toString('base64url')
    const session = { name, tokenHash, csrf: randomBytes(32).toString('base64url'), expires: this.now() + this.lifetimeMs }
    this.sessions.set(id, session)
    return { id, session }
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined
    const session = this.sessions.get(id)
    if (session && session.expires <= this.now()) {
      this.sessions.delete(id)
      return undefined
    }
    return session
  }

  drop(id: string | undefined): void {
    if (id) this.sessions.delete(id)
  }

  /** Ends every session of an interviewer (removed, or signed out everywhere). */
  dropAllOf(name: string): void {
    for (const [id, session] of this.sessions) if (session.name === name) this.sessions.delete(id)
  }

  private prune(): void {
    for (const [id, session] of this.sessions) if (session.expires <= this.now()) this.sessions.delete(id)
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}

export function sessionCookie(id: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${options.maxAgeSeconds}${options.secure ? '; Secure' : ''}`
}
