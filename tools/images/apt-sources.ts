// Reads the machine's apt configuration, to build the Debian base OS from the mirror it already uses.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

export interface AptSource {
  types: string[]
  uris: string[]
  suites: string[]
  components: string[]
}

/** Entries of a one-line `sources.list`: `deb [options] URI SUITE COMPONENT...`. */
export function parseSourcesList(text: string): AptSource[] {
  const sources: AptSource[] = []
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/#.*/, '')
      .replace(/\[[^\]]*\]/, ' ')
      .trim()
    const [type, uri, suite, ...components] = line.split(/\s+/)
    if (!type || !uri || !suite || !/^deb(-src)?$/.test(type)) continue
    sources.push({ types: [type], uris: [uri], suites: [suite], components })
  }
  return sources
}

/** Entries of a deb822 `.sources` file: paragraphs of `Field: value` lines. */
export function parseDeb822(text: string): AptSource[] {
  const sources: AptSource[] = []
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>()
    let last = ''
    for (const line of paragraph.split('\n')) {
      if (line.startsWith('#')) continue
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line)
      if (match) fields.set((last = match[1]!.toLowerCase()), match[2]!)
      else if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)} ${line.trim()}`)
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue
    const words = (field: string) => (fields.get(field) ?? '').split(/\s+/).filter(Boolean)
    if (words('types').length && words('uris').length && words('suites').length) {
      sources.push({ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components') })
    }
  }
  return sources
}

/** Every source configured under an apt directory (default `/etc/apt`). */
export function readAptSources(aptDir = '/etc/apt'): AptSource[] {
  const sources: AptSource[] = []
  const list = join(aptDir, 'sources.list')
  if (existsSync(list)) sources.push(...parseSourcesList(readFileSync(list, 'utf8')))
  const dir = join(aptDir, 'sources.list.d')
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, file), 'utf8')
      if (file.endsWith('.list')) sources.push(...parseSourcesList(text))
      if (file.endsWith('.sources')) sources.push(...parseDeb822(text))
    }
  }
  return sources
}

/** The binary Debian sources for one release (`bookworm`, `bookworm-updates`, `bookworm-security`...). */
export function debianSources(sources: AptSource[], release: string): AptSource[] {
  const suite = new RegExp(`^${release}(-[a-z]+)?$`)
  return sources
    .filter((s) => s.types.includes('deb') && s.components.includes('main') && s.suites.some((x) => suite.test(x)))
    .map((s) => ({ types: ['deb'], uris: s.uris, suites: s.suites.filter((x) => suite.test(x)), components: ['main'] }))
}

/** The mirror serving the release itself: what debootstrap needs. */
export function debianMirror(sources: AptSource[], release: string): string | undefined {
  return debianSources(sources, release).find((s) => s.suites.includes(release))?.uris[0]
}

/** A deb822 `.sources` file for the given sources. */
export function renderDeb822(sources: AptSource[]): string {
  return (
    sources
      .map((s) =>
        [
          `Types: ${s.types.join(' ')}`,
          `URIs: ${s.uris.join(' ')}`,
          `Suites: ${s.suites.join(' ')}`,
          `Components: ${s.components.join(' ')}`,
          'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        ].join('\n'),
      )
      .join('\n\n') + '\n'
  )
}
