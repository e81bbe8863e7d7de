// The Debian image every interview image starts from: pulled where a registry answers,
// otherwise built here with debootstrap from the machine's own Debian mirror.
import { chmodSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { $ } from 'zx'
import { debianMirror, debianSources, readAptSources, renderDeb822 } from './apt-sources.ts'
import { imageExists, type Docker } from '../engine/docker.ts'
import { CommandError, UserError } from '../core/errors.ts'

export const BASE_OS = { image: 'debian:bookworm-slim', release: 'bookworm' } as const

export type BaseOsSource = 'local' | 'pulled' | 'debootstrap'

export interface BaseOsOptions {
  /** A Debian mirror for debootstrap; by default the one in the machine's apt configuration. */
  mirror?: string
  aptDir?: string
  log?: (line: string) => void
}

/** Makes sure the base OS image exists locally, and says how it got there. */
export async function ensureBaseOs(docker: Docker, options: BaseOsOptions = {}): Promise<BaseOsSource> {
  const log = options.log ?? ((line: string) => console.error(line))
  if (await imageExists(docker, BASE_OS.image)) {
    log(`base OS ${BASE_OS.image}: found locally`)
    return 'local'
  }
  const pull = await $({ nothrow: true, quiet: true })`docker pull ${BASE_OS.image}`
  if (pull.exitCode === 0) {
    log(`base OS ${BASE_OS.image}: pulled`)
    return 'pulled'
  }
  const reason = pull.stderr.trim().split('\n').pop() ?? 'unknown error'
  log(`base OS ${BASE_OS.image}: pull failed (${reason}); building it with debootstrap`)
  await debootstrapBaseOs(options, log)
  return 'debootstrap'
}

async function debootstrapBaseOs(options: BaseOsOptions, log: (line: string) => void): Promise<void> {
  const sources = debianSources(readAptSources(options.aptDir), BASE_OS.release)
  const mirror = options.mirror ?? process.env.INTERVIEW_ENV_DEBIAN_MIRROR ?? debianMirror(sources, BASE_OS.release)
  if (!mirror) {
    throw new UserError(
      `cannot pull ${BASE_OS.image}, and no Debian ${BASE_OS.release} mirror is configured in ${options.aptDir ?? '/etc/apt'}`,
      'give one with --mirror URL (or INTERVIEW_ENV_DEBIAN_MIRROR), or `docker load` the image',
    )
  }
  if (process.getuid?.() !== 0) {
    throw new UserError(
      `cannot pull ${BASE_OS.image}, and building it with debootstrap needs root`,
      'run the build once as root (`sudo npx zx scripts/build.mjs base`), or `docker load` the image',
    )
  }
  if ((await $({ nothrow: true, quiet: true })`command -v debootstrap`).exitCode !== 0) {
    throw new UserError('cannot pull the base OS, and debootstrap is not installed', 'install it: `sudo apt-get install debootstrap`')
  }
  const root = mkdtempSync(join(tmpdir(), 'interview-env-rootfs-'))
  // mkdtemp makes it 0700, and the import keeps that mode for `/`: with the btrfs storage driver
  // (each layer a snapshot of the one below) nobody but root could then open a file.
  chmodSync(root, 0o755)
  try {
    log(`debootstrap ${BASE_OS.release} from ${mirror}`)
    const run = await $({ nothrow: true, quiet: true })`debootstrap --variant=minbase ${BASE_OS.release} ${root} ${mirror}`
    if (run.exitCode !== 0) throw new CommandError('debootstrap', run.exitCode, run.stdout + run.stderr)
    writeAptSources(root, sources.length ? sources : [{ types: ['deb'], uris: [mirror], suites: [BASE_OS.release], components: ['main'] }])
    await slimLikeDockerHub(root)
    const load = await $({ nothrow: true, quiet: true })`tar -C ${root} -c . | docker import --change ${'CMD ["bash"]'} - ${BASE_OS.image}`
    if (load.exitCode !== 0) throw new CommandError('docker import', load.exitCode, load.stderr)
    log(`base OS ${BASE_OS.image}: imported from debootstrap`)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/**
 * Docker Hub's debian:*-slim images are configured to keep images small: apt deletes downloaded
 * packages after installing them, and dpkg skips documentation, manual pages and translations.
 * A base OS built here gets the same settings, so images built FROM it are as small as with a pull.
 */
const SLIM_CONFIG: Record<string, string> = {
  'etc/apt/apt.conf.d/docker-clean': [
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
    'Dir::Cache::pkgcache "";',
    'Dir::Cache::srcpkgcache "";',
  ].join('\n'),
  'etc/apt/apt.conf.d/docker-no-languages': 'Acquire::Languages "none";',
  'etc/apt/apt.conf.d/docker-autoremove-suggests': 'Apt::AutoRemove::SuggestsImportant "false";',
  'etc/dpkg/dpkg.cfg.d/docker': [
    'path-exclude /usr/share/doc/*',
    'path-include /usr/share/doc/*/copyright',
    'path-exclude /usr/share/man/*',
    'path-exclude /usr/share/groff/*',
    'path-exclude /usr/share/info/*',
    'path-exclude /usr/share/lintian/*',
    'path-exclude /usr/share/linda/*',
    'path-exclude /usr/share/locale/*',
    'path-include /usr/share/locale/locale.alias',
  ].join('\n'),
}

async function slimLikeDockerHub(root: string): Promise<void> {
  for (const [file, text] of Object.entries(SLIM_CONFIG)) writeFileSync(join(root, file), text + '\n')
  await $({
    quiet: true,
  })`rm -rf ${root}/var/cache/apt/archives/*.deb ${root}/var/cache/apt/*.bin ${root}/var/lib/apt/lists ${root}/usr/share/man ${root}/usr/share/info ${root}/usr/share/groff ${root}/usr/share/lintian`
  await $({ quiet: true })`find ${root}/usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete`
  await $({ quiet: true })`find ${root}/usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +`
}

/** The image gets the same Debian sources as this machine, so apt inside it works here too. */
function writeAptSources(root: string, sources: ReturnType<typeof debianSources>): void {
  const list = join(root, 'etc/apt/sources.list')
  if (existsSync(list)) rmSync(list)
  writeFileSync(join(root, 'etc/apt/sources.list.d/debian.sources'), renderDeb822(sources))
}
