// The front door, the browser links and the desktops of interviews on the Swarm. The door and the
// gateway run on this host and find no such box on their own engine; they ask here. A link's token
// and a desktop's passwords are kept (hashed) in the labels of the box's service, as on one engine
// in the container's; the manager names the interview, and its box is reached on its node's engine
// (engine-of.ts). The door and the gateway then attach to it as to any box, and write the timeline
// in the recording folder here.
import type Docker from 'dockerode'
import { LABEL, vncPasswordOf } from '../engine/names.ts'
import { connectSwarm, type SwarmTarget } from '../cluster/swarm-engine.ts'
import type { Elsewhere } from '../web/context.ts'
import { desktopLabel, looksLikeDesktopPassword } from '../web/desktop-access.ts'
import type { DesktopAttachment } from '../web/desktop-connection.ts'
import type { Attachment } from '../web/terminal-socket.ts'
import { WEB_ROLES, hashToken, looksLikeToken, webLabel, type WebRole } from '../web/tokens.ts'
import { hasSwarm, swarmBox, swarmBoxIfAny, type SwarmBox } from './engine-of.ts'

/** The box of a running interview on the Swarm, for the front door; undefined when there is none (or it is lost). */
export async function swarmDoorBox(interview: string): Promise<Docker.Container | undefined> {
  return (await swarmBoxIfAny(interview).catch(() => undefined))?.container
}

/** The running interview on the Swarm that a link's token opens, and in which role; undefined for any other token. */
export async function swarmLinkAttachment(token: string): Promise<Attachment | undefined> {
  if (!looksLikeToken(token)) return undefined
  const found = await boxByHashLabel(webLabel, hashToken(token))
  return found && { interview: found.interview, role: found.role, container: found.box.container, recording: found.labels[LABEL.recording] }
}

/** The running desktop interview on the Swarm that a desktop password opens, and in which role; undefined for any other password. */
export async function swarmDesktopAttachment(password: string): Promise<DesktopAttachment | undefined> {
  if (!looksLikeDesktopPassword(password)) return undefined
  const found = await boxByHashLabel(desktopLabel, hashToken(password))
  // The VNC password of the role is in the box's environment, which its service holds.
  const vncPassword = found && vncPasswordOf(found.env, found.role)
  return found && vncPassword
    ? { interview: found.interview, role: found.role, container: found.box.container, vncPassword, labels: found.labels }
    : undefined
}

/** What the gateway finds on the Swarm: links and desktops. */
export const swarmElsewhere: Elsewhere = { link: swarmLinkAttachment, desktop: swarmDesktopAttachment }

/** The running box whose service carries `labelOf(role)=hash` for some role; undefined when none does, or it is lost or not running yet. */
async function boxByHashLabel(
  labelOf: (role: WebRole) => string,
  hash: string,
): Promise<{ interview: string; role: WebRole; labels: Record<string, string>; env: string[]; box: SwarmBox } | undefined> {
  if (!hasSwarm()) return undefined
  const swarm: SwarmTarget | undefined = await connectSwarm().catch(() => undefined)
  if (!swarm) return undefined
  for (const role of WEB_ROLES) {
    const [service] = await swarm.manager.listServices({
      filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=interview`, `${labelOf(role)}=${hash}`] }),
    })
    if (!service) continue
    const labels = service.Spec?.Labels ?? {}
    const interview = labels[LABEL.interview]
    const box = interview ? await swarmBox(interview, swarm).catch(() => undefined) : undefined
    const env = (service.Spec?.TaskTemplate as { ContainerSpec?: { Env?: string[] } } | undefined)?.ContainerSpec?.Env ?? []
    return box && { interview: interview!, role, labels, env, box }
  }
  return undefined
}
