// Lines of a stream from somewhere untrusted (the box's feed), with a length limit: a line longer
// than `maxBytes` is dropped whole and never held in memory (readline would keep growing it).
import type { Readable } from 'node:stream'

export function boundedLines(stream: Readable, maxBytes: number, onLine: (line: string) => void): void {
  let parts: Buffer[] = []
  let size = 0
  let skipping = false
  stream.on('data', (chunk: Buffer) => {
    let start = 0
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, end)
      if (!skipping && size + piece.length <= maxBytes)
        onLine(
          Buffer.concat([...parts, piece])
            .toString('utf8')
            .replace(/\r$/, ''),
        )
      parts = []
      size = 0
      skipping = false
      start = end + 1
    }
    const rest = chunk.subarray(start)
    if (skipping || !rest.length) return
    if (size + rest.length > maxBytes) {
      skipping = true
      parts = []
      size = 0
    } else {
      parts.push(Buffer.from(rest))
      size += rest.length
    }
  })
  stream.on('end', () => {
    if (!skipping && size) onLine(Buffer.concat(parts).toString('utf8'))
  })
}
