import RFB from '/novnc/core/rfb.js'

const $ = (id) => document.getElementById(id)
const state = (window.__desktop = { role: null, status: 'waiting', error: null, rfb: null, clipboard: null, files: null })
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
    // The desktop's clipboard: shown in the panel (the VNC server sends it only to a password that
    // can type). It goes into the browser's own clipboard only when asked: what the box copies
    // could be a command waiting for a paste into the interviewer's own shell.
    rfb.addEventListener('clipboard', (event) => {
      state.clipboard = event.detail.text
      $('clip').value = event.detail.text
    })
    $('tools').hidden = hello.role === 'observer'
  }
}

// Text for the desktop's clipboard: typed or pasted into the panel, or the browser's own clipboard
// when asked ("send my clipboard": the browser's clipboard may hold a secret, so never on its own).
function sendClipboard(text) {
  if (state.role !== 'candidate' || !state.rfb || !text || text === state.clipboard) return
  state.clipboard = text
  state.rfb.clipboardPasteFrom(text)
}
$('clip').addEventListener('input', () => sendClipboard($('clip').value))
const clipStatus = (text) => { $('clip-status').textContent = text }
$('copy-clipboard').addEventListener('click', () => {
  navigator.clipboard?.writeText($('clip').value).then(
    () => clipStatus('copied to your clipboard'),
    () => clipStatus('the browser did not allow it: select the text and copy it'),
  )
})
$('send-clipboard').addEventListener('click', () => {
  navigator.clipboard?.readText().then(
    (text) => {
      $('clip').value = text
      sendClipboard(text)
      clipStatus('sent to the desktop')
    },
    () => clipStatus('the browser did not allow it: paste into the box above'),
  )
})

// Files of ~/work: listed, downloaded and uploaded through the gateway with the same password.
const filesUrl = (name) => '/desktop/files' + (name === undefined ? '' : '/' + encodeURIComponent(name))
const withPassword = (init = {}) => ({ ...init, headers: { ...init.headers, 'x-desktop-password': password } })
const fileStatus = (text) => { $('files-status').textContent = text }

async function listFiles() {
  const response = await fetch(filesUrl(), withPassword())
  if (!response.ok) return fileStatus(await response.text())
  const { files } = await response.json()
  state.files = files
  $('file-list').replaceChildren(...files.map((file) => {
    const item = document.createElement('li')
    const label = document.createElement('span')
    label.textContent = `${file.name} (${file.size} bytes)`
    const button = document.createElement('button')
    button.textContent = 'Download'
    button.dataset.name = file.name
    button.addEventListener('click', () => void download(file.name))
    item.append(label, button)
    return item
  }))
}

async function download(name) {
  const response = await fetch(filesUrl(name), withPassword())
  if (!response.ok) return fileStatus(await response.text())
  const url = URL.createObjectURL(await response.blob())
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  fileStatus(`downloaded ${name}`)
}

$('upload').addEventListener('change', async () => {
  for (const file of $('upload').files) {
    fileStatus(`uploading ${file.name}…`)
    const response = await fetch(filesUrl(file.name), withPassword({ method: 'PUT', body: file }))
    fileStatus(response.ok ? `uploaded ${file.name} to ~/work` : await response.text())
  }
  $('upload').value = ''
  await listFiles()
})

function toggle(panel, button, onOpen) {
  $(button).addEventListener('click', () => {
    const open = $(panel).hidden
    for (const [other, otherButton] of [['clipboard', 'show-clipboard'], ['files', 'show-files']]) {
      $(other).hidden = true
      $(otherButton).setAttribute('aria-pressed', 'false')
    }
    $(panel).hidden = !open
    $(button).setAttribute('aria-pressed', String(open))
    if (open) onOpen?.()
  })
}
toggle('clipboard', 'show-clipboard')
toggle('files', 'show-files', () => void listFiles())

if (password) connect()
else ask()
