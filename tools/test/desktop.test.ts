import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectionCard, connectionJson, type InterviewDetails } from '../interviews/card.ts'
import { copyHostCertificates } from '../images/build.ts'
import { isBuiltFrom, listImages } from '../images/list.ts'
import { desktopLabel, looksLikeDesktopPassword, newDesktopAccess, VNC_ENV } from '../web/desktop-access.ts'
import { hashToken } from '../web/tokens.ts'

test('desktop access: two passwords, only their hashes labelled, two VNC passwords of 8 characters', () => {
  const access = newDesktopAccess('http://127.0.0.1:7681/')
  const { url, password, observerPassword, link, observerLink } = access.links
  assert.is(url, 'http://127.0.0.1:7681/desktop')
  assert.ok(looksLikeDesktopPassword(password) && looksLikeDesktopPassword(observerPassword))
  assert.is.not(password, observerPassword)
  assert.is(link, `${url}#${password}`)
  assert.is(observerLink, `${url}#${observerPassword}`)
  assert.is(access.labels[desktopLabel('candidate')], hashToken(password))
  assert.is(access.labels[desktopLabel('observer')], hashToken(observerPassword))
  assert.not.ok(Object.values(access.labels).some((value) => value.includes(password) || value.includes(observerPassword)))
  const vnc = Object.fromEntries(access.env.map((line) => line.split('=') as [string, string]))
  assert.equal(Object.keys(vnc).sort(), [VNC_ENV.candidate, VNC_ENV.observer].sort())
  for (const value of Object.values(vnc)) assert.match(value, /^[A-Za-z0-9]{8}$/)
  assert.is.not(vnc[VNC_ENV.candidate], vnc[VNC_ENV.observer])
})

test('malformed desktop passwords are refused before any lookup', () => {
  for (const bad of ['', 'abcde-abcde-abcde', 'abcde-abcde-abcde-abcd!', 'a'.repeat(23), '../../etc/passwd'])
    assert.not.ok(looksLikeDesktopPassword(bad))
})

test('the card and the JSON carry the desktop URL and both passwords', () => {
  const links = newDesktopAccess('http://127.0.0.1:7681').links
  const details: InterviewDetails = {
    name: 'python-pairing-ab12',
    task: 'python-pairing',
    bind: '127.0.0.1',
    port: 32768,
    user: 'user',
    password: 'p',
    hostKeyFingerprint: 'SHA256:x',
    fullToolset: true,
    missingTools: [],
    limits: { memory: '4g', cpus: 2, pids: 4096, disk: '8g' },
    desktop: links,
  }
  const card = connectionCard(details)
  assert.match(card, `desktop:   ${links.url}`)
  assert.match(card, `candidate's desktop password: ${links.password}  (can type`)
  assert.match(card, `observer's desktop password:  ${links.observerPassword}  (view only`)
  assert.equal(connectionJson(details).desktop, links)
  assert.is(connectionJson({ ...details, desktop: undefined }).desktop, null)
})

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'desktop-test-'))
  const image = (dir: string, deps: string[]) => {
    mkdirSync(join(root, dir), { recursive: true })
    writeFileSync(join(root, dir, 'Dockerfile'), 'FROM scratch\n')
    writeFileSync(join(root, dir, 'project.json'), JSON.stringify({ implicitDependencies: deps }))
  }
  image('images/base', [])
  image('images/desktop', ['base'])
  image('images/tasks/pairing', ['desktop'])
  image('images/tasks/hello', ['base'])
  return root
}

test('images under images/ besides base and tasks are listed, and what is built from the desktop is known', () => {
  const images = listImages(repo())
  assert.equal(
    images.map((i) => `${i.name}:${i.kind}`),
    ['base:base', 'desktop:image', 'hello:task', 'pairing:task'],
  )
  const byName = (name: string) => images.find((i) => i.name === name)!
  assert.ok(isBuiltFrom(byName('pairing'), 'desktop', images))
  assert.ok(isBuiltFrom(byName('desktop'), 'desktop', images))
  assert.not.ok(isBuiltFrom(byName('hello'), 'desktop', images))
})

test("the host's extra CA certificates go to images with a host-ca/ folder only, and none is an empty file", () => {
  const root = repo()
  const withFolder = join(root, 'images/desktop')
  mkdirSync(join(withFolder, 'host-ca'))
  const ca = join(root, 'extra.pem')
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
  copyHostCertificates(withFolder, { NODE_EXTRA_CA_CERTS: ca })
  assert.match(readFileSync(join(withFolder, 'host-ca/extra.pem'), 'utf8'), 'BEGIN CERTIFICATE')
  copyHostCertificates(withFolder, { NODE_EXTRA_CA_CERTS: join(root, 'missing.pem') })
  assert.is(readFileSync(join(withFolder, 'host-ca/extra.pem'), 'utf8'), '')
  copyHostCertificates(join(root, 'images/base'), { NODE_EXTRA_CA_CERTS: ca })
  assert.not.ok(existsSync(join(root, 'images/base/host-ca')))
})

test.run()
