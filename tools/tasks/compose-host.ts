// What in a compose file, as Compose resolved it, would hand a service something of the host's:
// bind mounts and host paths, volumes whose driver options bind a host folder (or that belong to
// someone else), secrets and configs read from host files, env files from outside the task folder,
// services extended from other files. Used on the interpolated file, and on `compose config`'s output.
import { existsSync, realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'

export interface HostAccess {
  /** The service, or undefined for a top-level entry. */
  service?: string
  /** The key, e.g. `volumes`, `env_file`, `volumes.data.driver_opts`, `secrets.x.file`. */
  key: string
  why: string
  hint: string
}

const VOLUME_HINT =
  'use a named volume declared under volumes: with no driver options (e.g. data:/var/lib/data), or COPY the files in its Dockerfile'
const FILE_HINT = "COPY the file into the service's image in its Dockerfile, or set the value with environment:"

interface Options {
  /** The task folder: relative paths are resolved from it, and env files must stay inside it. */
  dir: string
  /** For `compose config` output, the project it was resolved as: Compose v2 names each volume `<project>_<volume>` itself. */
  project?: string
}

/** Everything in `config` that would reach the host; empty when there is nothing. */
export function hostAccess(config: Record<string, any>, options: Options): HostAccess[] {
  const found: HostAccess[] = []
  const declared = new Set(Object.keys((config.volumes ?? {}) as object))
  for (const [name, volume] of Object.entries((config.volumes ?? {}) as Record<string, any>)) {
    for (const key of Object.keys(volume ?? {})) {
      if (key === 'labels' || (key === 'name' && options.project && volume.name === `${options.project}_${name}`)) continue
      if (key === 'driver' && (volume.driver === 'local' || volume.driver == null) && !volume.driver_opts) continue
      found.push({
        key: `volumes.${name}.${key}`,
        why:
          key === 'driver_opts'
            ? `can bind a host folder${volume.driver_opts?.device ? ` (${volume.driver_opts.device})` : ''}`
            : "makes the volume another than the interview's own",
        hint: VOLUME_HINT,
      })
    }
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [name, entry] of Object.entries((config[kind] ?? {}) as Record<string, any>)) {
      const what = entry?.file
        ? `reads the host file ${resolve(options.dir, String(entry.file))}`
        : entry?.external
          ? "is one of the host's"
          : 'is not allowed'
      found.push({ key: `${kind}.${name}${entry?.file ? '.file' : ''}`, why: what, hint: FILE_HINT })
    }
  }
  for (const [service, spec] of Object.entries((config.services ?? {}) as Record<string, any>)) {
    if (!spec || typeof spec !== 'object') continue
    for (const volume of (spec.volumes ?? []) as unknown[]) {
      const problem = volumeProblem(volume, declared)
      if (problem) found.push({ service, key: 'volumes', why: problem, hint: VOLUME_HINT })
    }
    for (const key of ['secrets', 'configs', 'extends', 'volume_driver'] as const) {
      if (spec[key] !== undefined)
        found.push({
          service,
          key,
          why: key === 'extends' ? 'reads another compose file' : key === 'volume_driver' ? 'can bind host folders' : 'reads host files',
          hint: key === 'extends' ? 'write the service out in this file' : FILE_HINT,
        })
    }
    for (const file of envFiles(spec.env_file)) {
      const path = resolve(options.dir, file)
      const dirReal = existsSync(options.dir) ? realpathSync(options.dir) : options.dir
      if (!within(options.dir, path) || !within(dirReal, existsSync(path) ? realpathSync(path) : path)) {
        found.push({
          service,
          key: 'env_file',
          why: `reads ${file}, outside the task folder`,
          hint: 'keep env files in the task folder (e.g. services/db/db.env), or use environment:',
        })
      }
    }
  }
  return found
}

const within = (dir: string, path: string) => {
  const rel = relative(dir, path)
  return rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel)
}

function envFiles(value: unknown): string[] {
  if (value == null) return []
  const list = Array.isArray(value) ? value : [value]
  return list.map((item) => String(typeof item === 'object' && item !== null ? (item as Record<string, unknown>).path : item))
}

/** Why a service's volume entry would reach the host, or undefined when it is a declared volume, an anonymous one, or a tmpfs. */
function volumeProblem(volume: unknown, declared: Set<string>): string | undefined {
  if (typeof volume === 'string') {
    const parts = volume.split(':')
    if (parts.length === 1) return undefined // an anonymous volume: a path in the container only
    const source = parts[0]!
    if (declared.has(source)) return undefined
    return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)
      ? `mounts volume "${source}", which the file does not declare under volumes:`
      : `mounts a host path (${source})`
  }
  if (!volume || typeof volume !== 'object') return `has a volume entry that is not a string or a mapping`
  const { type, source } = volume as Record<string, unknown>
  if (type === 'tmpfs') return undefined
  if (type === 'volume' || type === undefined) {
    if (source === undefined || source === '' || declared.has(String(source))) return undefined
    return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(String(source))
      ? `mounts volume "${String(source)}", which the file does not declare under volumes:`
      : `mounts a host path (${String(source)})`
  }
  return `mounts a host path (${String(source ?? '')}, type ${String(type)})`
}
