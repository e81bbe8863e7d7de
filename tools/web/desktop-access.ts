// Desktop access: a shared desktop (images/desktop) is reached through the web gateway with a
// per-interview password, one for the candidate (full control) and one for observers (view only).
// As with web tokens, only the passwords' hashes are kept, as container labels. Behind the gateway
// TigerVNC has its own two passwords (full and view only), which the gateway hands to a browser
// only after the interview password checks out; VNC itself listens only inside the container.
import { newPassword } from '../core/passwords.ts'
import { hashToken, WEB_ROLES, type WebRole } from './tokens.ts'
import { VNC_ENV } from '../engine/names.ts'

export const desktopLabel = (role: WebRole) => `interview-env.desktop.${role}`

export { VNC_ENV } from '../engine/names.ts'

export interface DesktopLinks {
  url: string
  password: string
  observerPassword: string
  /** The URL with the password after `#` (never sent to a server): opens and logs in at once. */
  link: string
  observerLink: string
}

/** VNC authentication compares 8 characters; the gateway's password is what guards the door. */
const vncPassword = () => newPassword(1, 8)

/** Whether a string has the shape of a desktop password (checked before any lookup). */
export const looksLikeDesktopPassword = (password: string) => /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/.test(password)

/** New passwords for a desktop interview: container labels, container environment, and what to print. */
export function newDesktopAccess(gatewayUrl: string): { labels: Record<string, string>; env: string[]; links: DesktopLinks } {
  const passwords = { candidate: newPassword(), observer: newPassword() }
  const url = `${gatewayUrl.replace(/\/+$/, '')}/desktop`
  return {
    labels: Object.fromEntries(WEB_ROLES.map((role) => [desktopLabel(role), hashToken(passwords[role])])),
    env: WEB_ROLES.map((role) => `${VNC_ENV[role]}=${vncPassword()}`),
    links: {
      url,
      password: passwords.candidate,
      observerPassword: passwords.observer,
      link: `${url}#${passwords.candidate}`,
      observerLink: `${url}#${passwords.observer}`,
    },
  }
}
