// What the gateway serves as files: xterm.js, noVNC's modules, Preact with htm and asciinema-player
// (the cockpit's), and its own pages, scripts and styles from tools/web/static/. Read once at start; no page is built from a template string.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../core/paths.ts'

export interface Asset {
  body: Buffer
  type: string
}

const STATIC_DIR = 'tools/web/static'
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8' }

const LIBRARIES: Record<string, [string, string]> = {
  '/assets/xterm.js': ['node_modules/@xterm/xterm/lib/xterm.js', 'text/javascript'],
  '/assets/xterm.css': ['node_modules/@xterm/xterm/css/xterm.css', 'text/css'],
  '/assets/addon-fit.js': ['node_modules/@xterm/addon-fit/lib/addon-fit.js', 'text/javascript'],
  '/assets/preact-htm.js': ['node_modules/htm/preact/standalone.module.js', 'text/javascript'],
  '/assets/asciinema-player.js': ['node_modules/asciinema-player/dist/bundle/asciinema-player.min.js', 'text/javascript'],
  '/assets/asciinema-player.css': ['node_modules/asciinema-player/dist/bundle/asciinema-player.css', 'text/css'],
}

/** noVNC's ES modules, served as /novnc/core/... and /novnc/vendor/... */
function novncFiles(): Record<string, [string, string]> {
  const root = 'node_modules/@novnc/novnc'
  const files: Record<string, [string, string]> = {}
  for (const top of ['core', 'vendor']) {
    for (const file of readdirSync(join(REPO_ROOT, root, top), { recursive: true }) as string[]) {
      if (file.endsWith('.js')) files[`/novnc/${top}/${file}`] = [`${root}/${top}/${file}`, 'text/javascript']
    }
  }
  return files
}

/** The pages' scripts and styles, served as /static/<file> (the pages themselves are served by route). */
function staticFiles(): Record<string, [string, string]> {
  const files: Record<string, [string, string]> = {}
  for (const file of readdirSync(join(REPO_ROOT, STATIC_DIR))) {
    const type = TYPES[file.slice(file.lastIndexOf('.'))]
    if (type && !file.endsWith('.html')) files[`/static/${file}`] = [`${STATIC_DIR}/${file}`, type]
  }
  return files
}

/** Every file served by path. */
export function loadAssets(): Map<string, Asset> {
  const files = { ...LIBRARIES, ...novncFiles(), ...staticFiles() }
  return new Map(Object.entries(files).map(([path, [file, type]]) => [path, { body: readFileSync(join(REPO_ROOT, file)), type }]))
}

export interface Pages {
  terminal: Buffer
  desktop: Buffer
  cockpit: Buffer
}

/** The pages: the terminal a link opens, the shared desktop, and the interviewers' cockpit. */
export function loadPages(): Pages {
  const page = (name: string) => readFileSync(join(REPO_ROOT, STATIC_DIR, `${name}.html`))
  return { terminal: page('terminal'), desktop: page('desktop'), cockpit: page('cockpit') }
}
