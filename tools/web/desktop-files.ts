// The desktop page's files: whoever holds the desktop password that can type lists, downloads and
// uploads the files of ~/work (the pair-programming folder) through the gateway. Observers get none.
// The password travels in the X-Desktop-Password header (never in the URL) and counts against the
// same failure limit as the desktop's WebSocket; a custom header also means another site's page
// cannot send the request without a CORS preflight, which the gateway never grants. Each transfer
// is written to the interview's timeline by the gateway, with its name and size.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PassThrough, type Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { sleep } from '../core/sleep.ts'
import { execIn } from '../engine/docker.ts'
import { LABEL } from '../engine/names.ts'
import { participantTimeline } from '../recording/participant-timeline.ts'
import type { GatewayContext } from './context.ts'
import { refuse } from './routes.ts'

export const DESKTOP_FILES = {
  /** The folder, in the box's user's home. */
  folder: 'work',
  /** The largest file taken in, or given out. */
  maxBytes: 50 * 1024 * 1024,
  /** At most this many files listed. */
  maxListed: 500,
  /** An upload that takes longer is cut. */
  transferMs: 10 * 60_000,
} as const

/** Why `name` is not a file name of the folder (no path, no control characters), or undefined. */
export function fileNameProblem(name: string): string | undefined {
  if (!name || Buffer.byteLength(name) > 255) return 'a file name has 1 to 255 bytes'
  if (name === '.' || name === '..' || name.includes('/')) return 'a file name is a name, not a path'
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a file name has no control characters'
  return undefined
}

const FILE = `"$HOME/${DESKTOP_FILES.folder}/$1"`

/** The handler of /desktop/files (GET: the list) and /desktop/files/<name> (GET: download, PUT: upload). */
export function desktopFiles({ limiter, log, findDesktop }: GatewayContext, address: (req: IncomingMessage) => string) {
  const busy = new Set<string>()
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const match = /^\/desktop\/files(?:\/([^/]+))?$/.exec(path)
    if (!match) return refuse(res, 404, 'not found')
    let name: string | undefined
    try {
      name = match[1] === undefined ? undefined : decodeURIComponent(match[1])
    } catch {
      return refuse(res, 400, 'the file name is not valid UTF-8')
    }
    const method = req.method ?? 'GET'
    if (!(name === undefined ? ['GET'] : ['GET', 'PUT']).includes(method)) return refuse(res, 405, 'method not allowed')
    // A refused upload's body is never read: its connection cannot carry another request.
    if (method === 'PUT') res.setHeader('connection', 'close')
    // Another site's page cannot send the header, but could make requests without it that count
    // against this address's failure limit: those are refused without counting.
    const password = req.headers['x-desktop-password']
    if (typeof password !== 'string' || req.headers['sec-fetch-site'] === 'cross-site')
      return refuse(res, 403, 'send the desktop password in the X-Desktop-Password header, from the desktop page')
    const from = address(req)
    if (limiter.blocked(from)) return refuse(res, 429, 'too many failed attempts: wait a minute')
    const attachment = await findDesktop(password).catch(() => undefined)
    if (!attachment) {
      limiter.fail(from)
      return refuse(res, 403, 'wrong password, or the interview has ended')
    }
    if (attachment.role !== 'candidate') return refuse(res, 403, 'observers do not transfer files: ask for the password that can type')
    if (name === undefined) return list(attachment.container, res)
    const problem = fileNameProblem(name)
    if (problem) return refuse(res, 400, problem)
    // One transfer at a time per interview: what a download buffers is bounded by one file.
    if (busy.has(attachment.interview)) return refuse(res, 429, 'one file at a time: wait for the transfer under way')
    busy.add(attachment.interview)
    const timeline = participantTimeline(attachment.labels[LABEL.recording], {
      who: 'browser (desktop)',
      role: attachment.role,
      session: 'desktop',
      by: 'gateway',
    })
    try {
      const bytes = method === 'PUT' ? await upload(attachment.container, name, req, res) : await download(attachment.container, name, res)
      if (bytes === undefined) return
      timeline.event('file', { direction: method === 'PUT' ? 'upload' : 'download', name, bytes })
      log(`${attachment.interview}: ${method === 'PUT' ? 'uploaded' : 'downloaded'} ~/${DESKTOP_FILES.folder}/${name} (${bytes} bytes)`)
    } finally {
      busy.delete(attachment.interview)
      timeline.close()
    }
  }
}

async function list(container: Docker.Container, res: ServerResponse): Promise<void> {
  const { stdout } = await execIn(
    container,
    [
      'bash',
      '-c',
      `find "$HOME/${DESKTOP_FILES.folder}" -maxdepth 1 -type f ! -name '.upload-*' -printf '%s %f\\0' 2>/dev/null | head -z -n ${DESKTOP_FILES.maxListed}`,
    ],
    { user: 'user', maxBytes: 1024 * 1024 },
  )
  const files = stdout
    .split('\0')
    .filter(Boolean)
    .map((entry) => ({ name: entry.slice(entry.indexOf(' ') + 1), size: Number(entry.slice(0, entry.indexOf(' '))) }))
    .sort((a, b) => a.name.localeCompare(b.name))
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify({ folder: `~/${DESKTOP_FILES.folder}`, files }))
}

/** Streams the file to the response; its size, or undefined when refused. */
async function download(container: Docker.Container, name: string, res: ServerResponse): Promise<number | undefined> {
  const stat = await execIn(container, ['bash', '-c', `[ -f ${FILE} ] && stat -L -c %s -- ${FILE}`, 'stat', name], {
    user: 'user',
    maxBytes: 64,
  }).catch(() => undefined)
  if (!stat) return void refuse(res, 502, 'the box did not answer')
  const size = Number(stat.stdout.trim())
  if (stat.exitCode !== 0 || !Number.isSafeInteger(size) || size < 0)
    return void refuse(res, 404, `no file ${name} in ~/${DESKTOP_FILES.folder}`)
  if (size > DESKTOP_FILES.maxBytes) return void refuse(res, 413, `${name} is over ${DESKTOP_FILES.maxBytes / 1024 / 1024} MiB`)
  const exec = await container.exec({
    Cmd: ['bash', '-c', `exec head -c "$2" -- ${FILE}`, 'download', name, String(size)],
    User: 'user',
    AttachStdout: true,
    AttachStderr: true,
  })
  const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Duplex
  const out = new PassThrough()
  container.modem.demuxStream(stream, out, new PassThrough().resume())
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(size),
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  })
  // Exactly the size announced, whatever the box sends: then the exec is ended.
  let sent = 0
  let finished = false
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (finished) return
      finished = true
      stream.destroy()
      res.end()
      resolve()
    }
    out.on('data', (chunk: Buffer) => {
      if (finished) return
      const part = chunk.subarray(0, size - sent)
      sent += part.length
      if (part.length) res.write(part)
      if (sent >= size) finish()
    })
    stream.on('error', finish)
    stream.on('end', finish)
    stream.on('close', finish)
    res.on('close', finish)
  })
  return sent === size ? size : undefined
}

/** Writes the request's body to the file (through a temporary name, so a cut upload leaves nothing); its size, or undefined when refused. */
async function upload(container: Docker.Container, name: string, req: IncomingMessage, res: ServerResponse): Promise<number | undefined> {
  const declared = Number(req.headers['content-length'])
  if (!Number.isInteger(declared)) return void refuse(res, 411, 'send the file with its Content-Length')
  if (declared > DESKTOP_FILES.maxBytes) return void refuse(res, 413, `a file is at most ${DESKTOP_FILES.maxBytes / 1024 / 1024} MiB`)
  const script = `set -e; mkdir -p "$HOME/${DESKTOP_FILES.folder}"; part="$HOME/${DESKTOP_FILES.folder}/.upload-$$"; trap 'rm -f "$part"' EXIT
head -c "$2" > "$part"; [ "$(stat -c %s "$part")" = "$2" ]; mv -f -- "$part" ${FILE}`
  const exec = await container.exec({
    Cmd: ['bash', '-c', script, 'upload', name, String(declared)],
    User: 'user',
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  })
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex
  stream.resume()
  await new Promise<void>((resolve) => {
    // A client that goes away, or takes too long, ends the exec: the partial file is removed.
    const cut = () => stream.destroy()
    const timer = setTimeout(cut, DESKTOP_FILES.transferMs)
    const done = () => {
      clearTimeout(timer)
      resolve()
    }
    req.on('aborted', cut)
    req.on('close', () => !req.complete && cut())
    req.pipe(stream)
    stream.on('end', done)
    stream.on('close', done)
    stream.on('error', done)
  })
  let state = await exec.inspect()
  for (let i = 0; state.Running && i < 100; i++) state = await sleep(50).then(() => exec.inspect())
  if (state.ExitCode !== 0) return void refuse(res, 400, `${name} was not written (cut short, or the disk is full)`)
  res.writeHead(201, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify({ name, size: declared }))
  return declared
}
