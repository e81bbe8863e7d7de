// An interview's timeline as server-sent events: what is there already, then each new line as the
// recorder, the door and the cockpit write it (read from the file every half second), until the
// client goes or the interview ends.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readEventsFrom } from '../recording/events.ts'

export function streamTimeline(req: IncomingMessage, res: ServerResponse, dir: string, pollMs = 500): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' })
  let offset = 0
  let quietFor = 0
  const send = () => {
    const read = readEventsFrom(dir, offset)
    offset = read.offset
    for (const event of read.events) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
    if (read.events.some((event) => event.type === 'end')) return stop()
    // A comment now and then keeps proxies from closing a quiet stream.
    quietFor = read.events.length ? 0 : quietFor + pollMs
    if (quietFor >= 15_000) {
      res.write(': still here\n\n')
      quietFor = 0
    }
  }
  const timer = setInterval(send, pollMs)
  const stop = () => {
    clearInterval(timer)
    res.end()
  }
  req.on('close', () => clearInterval(timer))
  send()
}
