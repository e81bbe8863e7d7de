// The front door and the browser links of interviews on the Swarm. The door and the gateway run on
// this host and find no such box on their own engine; they ask here. A link's token is kept
// (hashed) in the labels of the box's service, as on one engine in the container's; the manager
// names the interview, and its box is reached on its node's engine (engine-of.ts). The door and the
// gateway then attach to it as to any box, and write the timeline in the recording folder here.
import { LABEL } from '../engine/names.ts'
import { connectSwarm } from '../cluster/swarm-engine.ts'
import type { Attachment } from '../web/terminal-socket.ts'
import { WEB_ROLES, hashToken, looksLikeToken, webLabel } from '../web/tokens.ts'
import type Docker from 'dockerode'
import { hasSwarm, swarmBox, swarmBoxIfAny } from './engine-of.ts'

/** The box of a running interview on the Swarm, for the front door; undefined when there is none (or it is lost). */
export async function swarmDoorBox(interview: string): Promise<Docker.Container | undefined> {
  return (await swarmBoxIfAny(interview).catch(() => undefined))?.container
}

/** The running interview on the Swarm that a link's token opens, and in which role; undefined for any other token. */
export async function swarmLinkAttachment(token: string): Promise<Attachment | undefined> {
  if (!looksLikeToken(token) || !hasSwarm()) return undefined
  const swarm = await connectSwarm().catch(() => undefined)
  if (!swarm) return undefined
  const hash = hashToken(token)
  for (const role of WEB_ROLES) {
    const [service] = await swarm.manager.listServices({
      filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.role}=interview`, `${webLabel(role)}=${hash}`] }),
    })
    if (!service) continue
    const labels = service.Spec?.Labels ?? {}
    const interview = labels[LABEL.interview]
    // A box that is lost, or not running yet, opens no terminal.
    const box = interview ? await swarmBox(interview, swarm).catch(() => undefined) : undefined
    return box && { interview: interview!, role, container: box.container, recording: labels[LABEL.recording] }
  }
  return undefined
}
