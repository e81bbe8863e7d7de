// Role switches that role.mjs wrote to the timeline itself, as it made them, matched against what
// the recorder later sees in tmux, so each switch is on the timeline once. A switch the recorder sees
// that no command explains was made inside tmux, and the recorder writes it.
import { readEventsFrom } from './events.ts'

export class CommandRoles {
  /** Switches written by a command and not yet seen by the recorder, per client tty, oldest first. */
  private pending = new Map<string, boolean[]>()
  constructor(
    private readonly dir: string,
    /** How far the timeline has been read, in bytes (a resumed recording starts at its end). */
    private offset = 0,
  ) {}

  /** Takes in the role events that commands appended to the timeline since the last call. */
  update(): void {
    const { events, offset } = readEventsFrom(this.dir, this.offset)
    this.offset = offset
    for (const e of events.filter((e) => e.type === 'role' && e.by)) {
      const tty = String(e.tty)
      this.pending.set(tty, [...(this.pending.get(tty) ?? []), e.readonly === true])
    }
  }

  /** Whether a switch of `tty` to `readonly`, seen by the recorder, was a command's (then it is used up). */
  explains(tty: string, readonly: boolean): boolean {
    const queue = this.pending.get(tty) ?? []
    const index = queue.indexOf(readonly)
    if (index === -1) return false
    queue.splice(0, index + 1)
    return true
  }

  /** Forgets a client's pending switches once it is seen in the role the last of them gave. */
  settle(tty: string, readonly: boolean): void {
    if (this.pending.get(tty)?.at(-1) === readonly) this.pending.delete(tty)
  }
}
