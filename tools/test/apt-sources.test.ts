import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { debianMirror, debianSources, parseDeb822, parseSourcesList, renderDeb822 } from '../images/apt-sources.ts'

const ONE_LINE = `
# comment
deb http://mirror.example/debian bookworm main contrib
deb-src http://mirror.example/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://mirror.example/debian-security bookworm-security main
deb https://vendor.example/apt cloud-sdk-bookworm main
`

const DEB822 = `Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
Enabled: no
URIs: http://off.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: https://vendor.example/node
Suites: nodistro
Components: main
`

test('reads one-line sources, options in brackets included', () => {
  const sources = parseSourcesList(ONE_LINE)
  assert.is(sources.length, 4)
  assert.equal(sources[2], {
    types: ['deb'],
    uris: ['http://mirror.example/debian-security'],
    suites: ['bookworm-security'],
    components: ['main'],
  })
})

test('reads deb822 paragraphs and skips disabled ones', () => {
  const sources = parseDeb822(DEB822)
  assert.is(sources.length, 3)
  assert.equal(sources[0]!.suites, ['bookworm', 'bookworm-updates'])
})

test('keeps only the binary Debian sources of the release', () => {
  const sources = debianSources([...parseSourcesList(ONE_LINE), ...parseDeb822(DEB822)], 'bookworm')
  assert.ok(sources.every((s) => s.types.join() === 'deb' && s.suites.every((x) => x.startsWith('bookworm'))))
  assert.not.ok(sources.some((s) => s.uris[0]!.includes('vendor')))
})

test('the mirror is the one serving the release itself', () => {
  assert.is(debianMirror(parseDeb822(DEB822), 'bookworm'), 'http://mirror.example/debian')
  assert.is(debianMirror(parseDeb822(DEB822), 'trixie'), undefined)
})

test('renders deb822 that reads back the same', () => {
  const sources = debianSources(parseDeb822(DEB822), 'bookworm')
  assert.equal(parseDeb822(renderDeb822(sources)), sources)
})

test.run()
