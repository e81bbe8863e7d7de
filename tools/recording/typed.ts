// Who typed what, for a reviewer: the keystrokes of each login from the timeline, joined into
// lines (a line ends at Enter), with the time, the person and their role. Keys that print nothing
// are shown by name: ⏎ Enter, ⌫ Backspace, ⇥ Tab, ^C, ←↑→↓, ⎋ for other escape sequences. Names and
// text come from the box: whatever control character is left is printed as a visible escape.
import { printable } from '../core/printable.ts'
import { clock, readEvents } from './events.ts'

const KEYS: [RegExp, string][] = [
  [/\x1b\[A|\x1bOA/g, '↑'],
  [/\x1b\[B|\x1bOB/g, '↓'],
  [/\x1b\[C|\x1bOC/g, '→'],
  [/\x1b\[D|\x1bOD/g, '←'],
  [/\x1b\[[0-9;]*[A-Za-z~]|\x1b./g, '⎋'],
  [/\x7f|\x08/g, '⌫'],
  [/\t/g, '⇥'],
]

export function showKeys(data: string): string {
  let text = data
  for (const [pattern, name] of KEYS) text = text.replace(pattern, name)
  return printable(text.replace(/[\x00-\x1f]/g, (c) => (c === '\r' || c === '\n' ? '⏎' : `^${String.fromCharCode(c.charCodeAt(0) + 64)}`)))
}

export interface TypedLine {
  t: number
  who: string
  role: string
  text: string
  ignored?: string
}

export function typedLines(dir: string): TypedLine[] {
  const lines: TypedLine[] = []
  const open = new Map<string, TypedLine>()
  for (const event of readEvents(dir).filter((e) => e.type === 'input')) {
    const login = String(event.login)
    let line = open.get(login)
    if (!line || line.ignored !== event.ignored) {
      line = {
        t: event.t,
        who: String(event.who),
        role: String(event.role),
        text: '',
        ...(event.ignored ? { ignored: String(event.ignored) } : {}),
      }
      open.set(login, line)
      lines.push(line)
    }
    line.text += showKeys(String(event.data))
    if (/[\r\n]/.test(String(event.data))) open.delete(login)
  }
  return lines
}

export const formatTyped = (lines: TypedLine[]) =>
  lines
    .map(
      (line) =>
        `${clock(line.t).padStart(6)}  ${printable(`${line.who} (${line.role})`).padEnd(32)} ${printable(line.text)}${line.ignored ? `   [not sent: ${printable(line.ignored)}]` : ''}`,
    )
    .join('\n')
