// Compose's variable interpolation, done as Compose does it before anything else reads the file:
// `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR:+other}` and `$$`,
// with the shell's environment over the project folder's `.env` file. The compose-file check judges
// the file as Compose will see it, not as it is written.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type Environment = Record<string, string | undefined>

/** The environment Compose interpolates with for a project folder: its `.env`, then the shell's. */
export function composeEnvironment(dir: string, shell: Environment = process.env): Environment {
  const file = join(dir, '.env')
  return { ...(existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')) : {}), ...shell }
}

/** KEY=VALUE lines of a `.env` file; `#` comments, `export `, and single or double quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^export\s+/, '')
    const match = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line)
    if (!match || line.startsWith('#')) continue
    let value = match[2]!
    const quoted = /^(['"])(.*)\1$/.exec(value)
    value = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '')
    out[match[1]!] = value
  }
  return out
}

/** One string interpolated; throws an Error saying what could not be resolved. */
export function interpolate(text: string, env: Environment): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c !== '$') {
      out += c
      continue
    }
    const next = text[i + 1]
    if (next === '$') {
      out += '$'
      i++
    } else if (next === '{') {
      const end = closingBrace(text, i + 1)
      if (end === -1) throw new Error(`unclosed \${ in "${text}"`)
      out += expression(text.slice(i + 2, end), env)
      i = end
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0]
      if (!name) throw new Error(`a lone $ in "${text}" (write $$ for a dollar sign)`)
      out += env[name] ?? ''
      i += name.length
    }
  }
  return out
}

function closingBrace(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return i
  }
  return -1
}

function expression(body: string, env: Environment): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(body)
  if (!match) throw new Error(`\${${body}} is not a variable Compose can resolve`)
  const [, name, colon, operator, rest = ''] = match
  const value = env[name!]
  const unset = colon ? value === undefined || value === '' : value === undefined
  if (!operator) return value ?? ''
  if (operator === '-') return unset ? interpolate(rest, env) : value!
  if (operator === '+') return unset ? '' : interpolate(rest, env)
  if (unset) throw new Error(`${name} is required: ${rest || 'it is not set'}`)
  return value!
}

/** Every string value of a parsed file interpolated (keys are left alone, as Compose does). */
export function interpolateAll(value: unknown, env: Environment): unknown {
  if (typeof value === 'string') return interpolate(value, env)
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, env)]))
  return value
}
