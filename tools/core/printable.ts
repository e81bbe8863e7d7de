// Untrusted strings (participant names from key comments, typed text, anything the box reports)
// made safe to print, to write as a JSON line, or to put in Markdown: control characters become
// visible escapes, so nothing in them can move the cursor, set a title or write the clipboard.

/**
 * C0 controls, DEL, C1 controls, the line and paragraph separators, and the bidirectional
 * overrides and isolates (which reorder what is shown: "Trojan Source").
 */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = {
  '\x1b': '\\e',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\f': '\\f',
  '\v': '\\v',
  '\0': '\\0',
}

const hex = (c: string) => {
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** `a\x1b]52;c;X\x07` → `a\e]52;c;X\a`: shown as it is, never acted on by a terminal. */
export function printable(value: unknown): string {
  return String(value).replace(UNSAFE, (c) => NAMED[c] ?? hex(c))
}

/**
 * A value as one JSON line that is also safe to `cat`: JSON.stringify escapes C0 controls but
 * writes C1 controls (U+009D is OSC to many terminals) and bidi overrides as they are; these
 * become \u escapes, which read back as the same value.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * A string for a Markdown table cell or list item: printable, with the characters escaped that
 * would end a cell, start a link, code, emphasis or HTML.
 */
export function markdownText(value: unknown): string {
  return printable(value).replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
}

/** Cuts a string from an untrusted source to at most `max` characters (marked with …). */
export function capped(value: unknown, max: number): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
  if (text.length <= max) return text
  return `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`
}
