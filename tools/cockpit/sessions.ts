// Signed-in browsers of the cockpit: a random session id in an HttpOnly, SameSite=Strict cookie,
// and a CSRF token the page sends back in a header with every change. Kept in memory: a restart of
// the server signs everyone out.
import { randomBytes } from 'node:crypto'

export const SESSION_COOKIE = 'ie_session'
export const CSRF_HEADER = 'x-csrf-token'

export interface Session {
  name: string
  csrf: string
  expires: number
}

export class Sessions {
  private sessions = new Map<string, Session>()

  constructor(
    private readonly lifetimeMs = 12 * 3600_000,
    private readonly now = () => Date.now(),
    private readonly max = 10_000,
  ) {}

  create(name: string): { id: string; session: Session } {
    this.prune()
    if (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value!)
    const id = randomBytes(32).toString('base64url')
    const session = { name, csrf: randomBytes(32).toString('base64url'), expires: this.now() + this.lifetimeMs }
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
