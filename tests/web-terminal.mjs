// A browser's terminal, for tests that need no browser: opens a terminal WebSocket as the pages do,
// waits until it shows TEXT, then (with KEYS) types KEYS and Enter into it. Prints "saw TEXT" and
// exits 0; after 20 s without TEXT, prints what it saw and exits 1.
//   node tests/web-terminal.mjs link LINK TEXT [KEYS]                  a card's browser link (/i/<token>)
//   node tests/web-terminal.mjs cockpit URL TOKEN INTERVIEW TEXT [KEYS] the cockpit's live view, watching
import WebSocket from 'ws'

const [mode, ...args] = process.argv.slice(2)
const done = (code, line) => {
  console.log(line)
  process.exit(code)
}

/** The WebSocket URL and headers of the terminal, and the rest of the arguments. */
async function target() {
  if (mode === 'link') {
    const [link, ...rest] = args
    const url = new URL(link)
    const token = url.pathname.replace(/^\/i\//, '')
    return { ws: `${url.origin.replace(/^http/, 'ws')}/ws/${token}`, headers: { origin: url.origin }, rest }
  }
  if (mode === 'cockpit') {
    const [url, token, interview, ...rest] = args
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    if (!signIn.ok) done(1, `sign-in refused: ${signIn.status}`)
    const cookie = signIn.headers.get('set-cookie').split(';')[0]
    return { ws: `${url.replace(/^http/, 'ws')}/ws/cockpit/${encodeURIComponent(interview)}/watch`, headers: { cookie, origin: url }, rest }
  }
  return done(2, 'give the mode: link or cockpit')
}

const { ws: wsUrl, headers, rest } = await target()
const [text, keys] = rest
const ws = new WebSocket(wsUrl, { headers })
let seen = ''
setTimeout(() => done(1, `never saw ${text}; saw: ${JSON.stringify(seen.slice(-2000))}`), 20_000)
ws.on('unexpected-response', (_, res) => done(1, `refused: ${res.statusCode}`))
ws.on('error', (error) => done(1, `error: ${error.message}`))
ws.on('message', (data, binary) => {
  if (!binary) return
  seen += data.toString('utf8')
  if (!seen.includes(text)) return
  if (!keys) return done(0, `saw ${text}`)
  // Sent, then a moment for the gateway to take it before the socket closes.
  ws.send(Buffer.from(`${keys}\r`), { binary: true }, () => setTimeout(() => done(0, `saw ${text}`), 500))
})
