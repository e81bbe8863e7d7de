// The connection card: everything an interviewer passes on to the candidate.
import { hostname } from 'node:os'
import type { DesktopLinks } from '../web/desktop-access.ts'

export interface InterviewDetails {
  name: string
  task: string
  bind: string
  port: number
  user: string
  password: string | null
  hostKeyFingerprint: string
  fullToolset: boolean
  missingTools: string[]
  limits: { memory: string; cpus: number; pids: number; disk: string }
  /** What the interview may reach outside its own network (run --egress). */
  egress?: string
  /** Browser links, when the interview was started with --web. */
  web?: { candidate: string; observer: string }
  /** The shared desktop, for an image built on images/desktop. */
  desktop?: DesktopLinks
  /** The folder of the recording, when recorded. */
  recording?: string
  /** When a time limit ends the interview (ISO date). */
  endsAt?: string
  /** How many interviewer and observer keys were given. */
  participants?: number
  /** The services beside the box, for a multi-service task (compose.yaml). */
  services?: string[]
  /** Whether the candidate may run commands, scp and sftp without the shared terminal (run --no-exec: not). */
  exec?: boolean
  /** The task's variant this interview runs (which fault it has): for the interviewer only. */
  variant?: string
  /** On a Swarm: the node that runs the box (the address to join is its address). */
  node?: string
}

/** What the card says the interview can reach. */
export function egressPolicy(egress: string | undefined): string {
  if (egress === 'all') return 'Network: NOT fenced (--egress all): the interview can reach the host, its LAN and private addresses.'
  if (egress === 'none') return 'Network: none outside the interview (--egress none).'
  if (egress === 'node') return "Network: what the Swarm node's firewall allows (docs/cluster.md, the fence on each node)."
  if (egress === 'cluster') return "Network: none outside the interview (the local cluster's fence)."
  return 'Network: public addresses only (--egress internet); the host, its LAN, private ranges and 169.254/16 are fenced off.'
}

/** What the card says of commands run without the shared terminal. */
export function execPolicy(exec: boolean | undefined): string {
  return exec === false
    ? "Commands, scp and sftp: refused to the candidate (--no-exec); interviewers' are shown and recorded."
    : 'Commands, scp and sftp (ssh HOST CMD) are allowed, shown to everyone in the status line, and recorded with who ran them.'
}

/** The host name to give the candidate: the bound address, or this machine's name when bound to all. */
export function publicHost(bind: string): string {
  return bind === '0.0.0.0' || bind === '::' ? hostname() : bind
}

/** The ssh command to join. HostKeyAlias keeps each interview's fresh host key apart in known_hosts. */
export function sshCommand(details: Pick<InterviewDetails, 'name' | 'bind' | 'port' | 'user'>): string {
  const port = details.port === 22 ? '' : `-p ${details.port} `
  return `ssh ${port}-o HostKeyAlias=interview-${details.name} ${details.user}@${publicHost(details.bind)}`
}

export const stopCommand = (name: string) => `npx zx scripts/stop.mjs ${name}`

export function connectionCard(details: InterviewDetails): string {
  const lines = [
    `Interview "${details.name}" is ready (task: ${details.task})`,
    '',
    `  join:      ${sshCommand(details)}`,
    details.password ? `  password:  ${details.password}` : '  password:  none (key login only)',
    `  host key:  ${details.hostKeyFingerprint}`,
    ...(details.node
      ? [
          `  node:      ${details.node} (a Swarm node; ${details.user === 'user' ? "the candidate logs in to the box's own sshd there" : 'the front door here leads to it'})`,
        ]
      : []),
    ...(details.variant
      ? [`  variant:   ${details.variant}  (which fault this interview has: for the interviewers, not the candidate)`]
      : []),
    ...(details.desktop
      ? [
          `  desktop:   ${details.desktop.url}`,
          `    candidate's desktop password: ${details.desktop.password}  (can type; one click: ${details.desktop.link})`,
          `    observer's desktop password:  ${details.desktop.observerPassword}  (view only; one click: ${details.desktop.observerLink})`,
        ]
      : []),
    ...(details.web
      ? [`  browser:   ${details.web.candidate}  (candidate: can type)`, `  watch:     ${details.web.observer}  (observer: read-only)`]
      : []),
    ...(details.services?.length
      ? [`  services:  ${details.services.join(', ')}  (on the interview's private network; the candidate is on "box")`]
      : []),
    ...(details.recording ? [`  recorded:  ${details.recording}  (replay: npx zx scripts/replay.mjs ${details.name})`] : []),
    ...(details.endsAt ? [`  ends at:   ${details.endsAt}  (time limit; warnings at 10 and 2 minutes)`] : []),
    '',
    'Everyone who logs in shares ONE terminal: the candidate and the interviewers see and type on the same screen.',
    execPolicy(details.exec),
    `Limits: ${details.limits.memory} memory, ${details.limits.cpus} CPU, ${details.limits.pids} processes, ${details.limits.disk === 'none' ? 'no disk cap' : `${details.limits.disk} of disk writes`}.`,
    egressPolicy(details.egress),
  ]
  if (!details.fullToolset) lines.push(`Not available on this Docker daemon: ${details.missingTools.join(', ')} (docs/security.md).`)
  lines.push(`Stop it:   ${stopCommand(details.name)}${details.node ? ' --engine swarm' : ''}`)
  return lines.join('\n')
}

export function connectionJson(details: InterviewDetails): Record<string, unknown> {
  return {
    name: details.name,
    task: details.task,
    host: publicHost(details.bind),
    bind: details.bind,
    port: details.port,
    user: details.user,
    password: details.password,
    ssh: sshCommand(details),
    hostKeyFingerprint: details.hostKeyFingerprint,
    fullToolset: details.fullToolset,
    missingTools: details.missingTools,
    limits: details.limits,
    egress: details.egress ?? 'internet',
    web: details.web ?? null,
    desktop: details.desktop ?? null,
    recording: details.recording ?? null,
    endsAt: details.endsAt ?? null,
    services: details.services ?? [],
    exec: details.exec !== false,
    variant: details.variant ?? null,
    node: details.node ?? null,
    stop: details.node ? `${stopCommand(details.name)} --engine swarm` : stopCommand(details.name),
  }
}
