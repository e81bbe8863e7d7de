import RFB from '/novnc/core/rfb.js'

const $ = (id) => document.getElementById(id)
const state = (window.__desktop = { role: null, status: 'waiting', error: null, rfb: null })
const show = (status, text) => { state.status = status; $('status').textContent = text }
let password = decodeURIComponent(location.hash.slice(1))
let retry = 500

// The password never stays in the address bar (or in a screenshot of it).
if (password) history.replaceState(null, '', location.pathname)

function ask(error) {
  state.error = error ?? null
  $('error').textContent = error ?? ''
  $('login').hidden = false
  $('password').focus()
  show('login', '')
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault()
  password = $('password').value.trim()
  $('login').hidden = true
  connect()
})

function connect() {
  show('connecting', 'connecting…')
  const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/desktop')
  socket.binaryType = 'arraybuffer'
  socket.onopen = () => socket.send(JSON.stringify({ password }))
  socket.onclose = (event) => {
    if (event.code === 4003) return ask('wrong password, or the interview has ended')
    if (event.code === 4029) return ask('too many failed attempts: wait a minute')
    if (event.code === 4000) return show('ended', 'the interview has ended')
    show('retrying', 'disconnected: retrying…')
    setTimeout(connect, (retry = Math.min(retry * 2, 5000)))
  }
  socket.onmessage = (event) => {
    const hello = JSON.parse(event.data)
    if (hello.type !== 'hello') return
    state.role = hello.role
    $('who').textContent = hello.role === 'observer' ? 'observer (view only)' : 'candidate (can type)'
    // noVNC takes over the open socket here, before the VNC server's first bytes arrive.
    const rfb = new RFB($('screen'), socket, { credentials: { password: hello.vncPassword }, shared: true })
    state.rfb = rfb
    rfb.viewOnly = hello.role === 'observer'
    rfb.scaleViewport = true
    rfb.focusOnClick = true
    rfb.addEventListener('connect', () => { retry = 500; show('connected', 'connected: ' + hello.interview) })
    rfb.addEventListener('disconnect', () => {
      state.rfb = null
      show('retrying', 'disconnected: retrying…')
      setTimeout(connect, (retry = Math.min(retry * 2, 5000)))
    })
    rfb.addEventListener('securityfailure', () => show('failed', 'the desktop refused the connection'))
  }
}

if (password) connect()
else ask()
