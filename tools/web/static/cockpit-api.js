// The cockpit page's calls to the API (docs/api.md): JSON both ways, the session cookie sent by the
// browser, and the CSRF token (from sign-in, or GET /api/session after a reload) on every change.
let csrf = ''

export const setCsrf = (token) => { csrf = token ?? '' }

/** Calls the API; an answer that is not 2xx throws an Error with its one-line reason and status. */
export async function call(method, path, body) {
  const headers = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET') headers['x-csrf-token'] = csrf
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' })
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw Object.assign(new Error(data.error ?? `${res.status} ${res.statusText}`), { status: res.status })
  return data
}

/** mm:ss (or h:mm:ss) of a number of seconds. */
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds))
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
  const pad = (n) => String(n).padStart(2, '0')
  return hms[0] ? `${hms[0]}:${pad(hms[1])}:${pad(hms[2])}` : `${pad(hms[1])}:${pad(hms[2])}`
}

/** How long ago an ISO date was, in words. */
export function ago(iso) {
  const seconds = (Date.now() - Date.parse(iso)) / 1000
  if (!(seconds >= 0)) return ''
  if (seconds < 60) return `${Math.round(seconds)} s ago`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  return `${Math.round(seconds / 3600)} h ago`
}
