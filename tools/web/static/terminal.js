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
