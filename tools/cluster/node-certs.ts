// The node servers' TLS (node-server.ts): a certificate authority of the cluster's own, one server
// certificate that names every node's address, and the client certificate this host presents. Each
// side checks the other: a node server answers only this host, and this host talks only to servers
// of its own cluster. Made with openssl when `up` first needs them, kept until `down`.
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClusterLayout } from './layout.ts'
import { hostCommand } from './host-command.ts'

export interface NodeCerts {
  dir: string
  /** The files the node servers get (as Swarm secrets). */
  server: { ca: string; cert: string; key: string }
  /** The folder this host's clients use, laid out as the docker CLI's DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem). */
  clientDir: string
}

export function nodeCertsOf(layout: ClusterLayout): NodeCerts {
  const dir = join(layout.runDir, 'node-server')
  return {
    dir,
    server: { ca: join(dir, 'ca.pem'), cert: join(dir, 'server-cert.pem'), key: join(dir, 'server-key.pem') },
    clientDir: join(dir, 'client'),
  }
}

const openssl = (args: string[]) => hostCommand('openssl', args, { hint: 'is openssl installed (sudo apt-get install openssl)?' })
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/** Makes the certificates unless they exist; the server's names every node of `layout` by address. */
export async function makeNodeCerts(layout: ClusterLayout): Promise<NodeCerts> {
  const certs = nodeCertsOf(layout)
  const caKey = join(certs.dir, 'ca-key.pem')
  const client = { cert: join(certs.clientDir, 'cert.pem'), key: join(certs.clientDir, 'key.pem') }
  if ([certs.server.ca, certs.server.cert, certs.server.key, client.cert, client.key].every((file) => existsSync(file))) return certs
  rmSync(certs.dir, { recursive: true, force: true })
  mkdirSync(certs.clientDir, { recursive: true, mode: 0o700 })
  await openssl([
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    caKey,
    '-out',
    certs.server.ca,
    '-days',
    '3650',
    '-subj',
    '/CN=interview-env cluster CA',
  ])
  const sign = async (cert: string, key: string, name: string, extensions: string) => {
    const request = `${cert}.csr`
    const extensionFile = `${cert}.ext`
    writeFileSync(extensionFile, extensions, { mode: 0o600 })
    await openssl(['req', ...newKey, '-keyout', key, '-out', request, '-subj', `/CN=${name}`])
    await openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      certs.server.ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-days',
      '3650',
      '-extfile',
      extensionFile,
      '-out',
      cert,
    ])
    rmSync(request)
    rmSync(extensionFile)
  }
  const addresses = layout.nodes.map((node) => `IP:${node.address}`).join(',')
  await sign(certs.server.cert, certs.server.key, 'interview-env node server', `subjectAltName=${addresses}\nextendedKeyUsage=serverAuth\n`)
  await sign(client.cert, client.key, 'interview-env manager', 'extendedKeyUsage=clientAuth\n')
  copyFileSync(certs.server.ca, join(certs.clientDir, 'ca.pem'))
  return certs
}
