// One person through the front door: the interview they came in to, the role and name the door gave
// them, and their session's id. What they do is written to the interview's timeline here, on the
// host, before anything reaches the box.
import type Docker from 'dockerode'
import { participantTimeline } from '../recording/participant-timeline.ts'
import type { DoorRole } from './access.ts'

export interface Participant {
  interview: string
  container: Docker.Container
  role: DoorRole
  who: string
  /** The recording's folder, when the interview is recorded. */
  recording?: string
  /** Whether this participant may run commands, scp and sftp (an observer never; the candidate unless --no-exec). */
  mayExec: boolean
}

/** The participant's part of its interview's timeline, for one session (nothing is written when not recorded). */
export const timelineOf = (participant: Participant, session: string) =>
  participantTimeline(participant.recording, { who: participant.who, role: participant.role, session, by: 'door' })

/** The environment a participant's process gets in the box: who they are, as the door decided. */
export const participantEnv = (participant: Participant, session: string) => [
  'LANG=C.UTF-8',
  'HOME=/home/user',
  `INTERVIEW_WHO=${participant.who}`,
  `INTERVIEW_ROLE=${participant.role}`,
  `INTERVIEW_DOOR=${session}`,
]
