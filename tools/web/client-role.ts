// The tmux flags that give a client of the shared session its role: a watcher's client is
// read-only and never sizes the shared window (ignore-size); one who types is neither. Used by
// role.mjs for a client it knows by its tty, and by the front door for its own client, known by
// the id it carries (exec-client.ts). The flags are the box's side only: the door, which decides
// whose keys go on, keeps its own record of a role.
import { CLIENT_ID_ENV } from './exec-client.ts'

/**
 * tmux 3.3 can set read-only with refresh-client -f but not clear it, and switch-client -r toggles
 * it: so the toggle runs only when the flag differs, in the same shell, and a switch repeated or
 * raced ends the same. The client is "$1".
 */
const flagsScript = (readonly: boolean) =>
  readonly
    ? 'tmux refresh-client -t "$1" -f read-only,ignore-size'
    : 'tmux refresh-client -t "$1" -f !ignore-size && { [ "$(tmux display-message -p -c "$1" "#{client_readonly}")" = 0 ] || tmux switch-client -c "$1" -r; }'

// The recorder's feed hears of the switch at once (no tmux hook fires on a client's flags).
const withWake = (script: string) => `${script}; status=$?; /usr/local/lib/interview/feed-wake; exit $status`

/** The command that gives the client on `tty` its role. */
export function roleScript(tty: string, readonly: boolean): string[] {
  return ['sh', '-c', withWake(flagsScript(readonly)), 'role', tty]
}

/**
 * The command that gives the client carrying `id` its role: the one process with that id in its
 * environment that Docker started (parent PID 0), whose terminal is the client's tty.
 */
export function roleScriptById(id: string, readonly: boolean): string[] {
  const find = [
    'tty=',
    `for environ in $(grep -lzxF -e "${CLIENT_ID_ENV}=$1" /proc/[0-9]*/environ 2>/dev/null); do`,
    '  pid=${environ#/proc/}; pid=${pid%/environ}',
    `  grep -q '^PPid:[[:space:]]*0$' "/proc/$pid/status" 2>/dev/null && tty=$(readlink "/proc/$pid/fd/0")`,
    'done',
    '[ -n "$tty" ] || { echo "no client carries $1" >&2; exit 3; }',
    'set -- "$tty"',
  ].join('\n')
  return ['sh', '-c', `${find}\n${withWake(flagsScript(readonly))}`, 'role', id]
}
