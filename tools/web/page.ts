// The page a browser gets for a link: xterm.js attached to the gateway's WebSocket.
// It reconnects after a drop, and tells the user whether they may type.
export function terminalPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>interview-env</title>
<link rel="stylesheet" href="/assets/xterm.css">
<style>
  html, body { height: 100%; margin: 0; background: #1e1e1e; color: #ddd; font: 14px system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  #bar { padding: 6px 10px; background: #0b4f6c; display: flex; gap: 1em; }
  #bar b { font-weight: 600; }
  #terminal { flex: 1; padding: 4px; min-height: 0; }
</style>
</head>
<body>
<div id="bar"><b>interview-env</b><span id="who"></span><span id="status">connecting…</span></div>
<div id="terminal"></div>
<script src="/assets/xterm.js"></script>
<script src="/assets/addon-fit.js"></script>
<script>
(() => {
  const token = location.pathname.split('/').pop()
  const term = new Terminal({ cursorBlink: true, fontSize: 15, fontFamily: 'DejaVu Sans Mono, monospace', scrollback: 10000 })
  const fit = new FitAddon.FitAddon()
  term.loadAddon(fit)
  term.open(document.getElementById('terminal'))
  fit.fit()
  const status = (text) => { document.getElementById('status').textContent = text }
  const encoder = new TextEncoder()
  const state = { socket: null, role: null, reconnects: 0, connected: false }
  window.__interview = state
  let delay = 250
  const sendSize = () => {
    if (state.socket && state.socket.readyState === 1) state.socket.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }))
  }
  term.onData((data) => {
    if (state.role === 'candidate' && state.socket && state.socket.readyState === 1) state.socket.send(encoder.encode(data))
  })
  window.addEventListener('resize', () => { fit.fit(); sendSize() })
  function connect() {
    const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/' + token)
    socket.binaryType = 'arraybuffer'
    state.socket = socket
    socket.onopen = () => { delay = 250 }
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') {
        const message = JSON.parse(event.data)
        if (message.type === 'hello') {
          state.role = message.role
          state.connected = true
          term.options.disableStdin = message.role !== 'candidate'
          document.getElementById('who').textContent = message.interview + ' · ' + (message.role === 'candidate' ? 'you can type' : 'watching (read-only)')
          status('connected')
          sendSize()
        }
        return
      }
      term.write(new Uint8Array(event.data))
    }
    socket.onclose = (event) => {
      state.connected = false
      if (event.code === 4403) return status('this link is not valid (any more)')
      if (event.code === 4000) return status('the interview has ended')
      state.reconnects++
      status('connection lost: reconnecting…')
      setTimeout(connect, delay)
      delay = Math.min(delay * 2, 5000)
    }
  }
  connect()
  term.focus()
})()
</script>
</body>
</html>
`
}
