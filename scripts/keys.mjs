#!/usr/bin/env zx
// scripts/keys.mjs: the SSH keys of a running interview, and new keypairs for candidates
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { engineOption, useEngineOf } = await import('../tools/interviews/engine-of.ts')
const { addKeys, listKeys, removeKeys } = await import('../tools/live/authorized-keys.ts')
const { writeKeyPair } = await import('../tools/core/ssh-keys.ts')
const { REPO_ROOT } = await import('../tools/core/paths.ts')
const { UserError } = await import('../tools/core/errors.ts')
const { printable } = await import('../tools/core/printable.ts')
const { join } = await import('node:path')

await cli(
  import.meta.url,
  '<action> [target] [file]',
  'add <interview> FILE [--role R]  allow the public keys in FILE to log in (no restart);\n' +
    '                              --role interviewer|observer: an observer joins read-only\n' +
    'list <interview>              show the keys allowed to log in\n' +
    'remove <interview> FILE|FP    remove keys by file, fingerprint or comment\n' +
    'new NAME                      write a keypair for a candidate to keys/NAME (git-ignored)',
  (y) =>
    y
      .positional('action', { choices: ['add', 'list', 'remove', 'new'], demandOption: true })
      .positional('target', { type: 'string', describe: 'Interview name (or NAME for `new`)' })
      .positional('file', { type: 'string', describe: 'Public key file, or a fingerprint for remove' })
      .option('role', {
        choices: ['candidate', 'interviewer', 'observer'],
        default: 'candidate',
        describe: 'For add: who the key belongs to',
      })
      .option('engine', engineOption),
  async (argv) => {
    /** @type {(value: string | undefined, what: string) => string} */
    const need = (value, what) => {
      if (!value) throw new UserError(`keys ${argv.action} needs ${what}`, 'see npx zx scripts/keys.mjs --help')
      return value
    }
    if (argv.action !== 'new' && argv.target) await useEngineOf(argv.target, argv.engine)
    /** @type {(keys: import('../tools/core/ssh-keys.ts').PublicKey[]) => string} */
    const show = (keys) => keys.map((key) => `${key.fingerprint}  ${printable(key.type)}  ${printable(key.comment)}`).join('\n')
    switch (argv.action) {
      case 'add': {
        const added = await addKeys(
          need(argv.target, 'an interview name'),
          need(argv.file, 'a public key file'),
          /** @type {any} */ (argv.role),
        )
        console.log(added.length ? `added:\n${show(added)}` : 'those keys were already allowed')
        break
      }
      case 'list':
        console.log(show(await listKeys(need(argv.target, 'an interview name'))) || 'no keys (password login only)')
        break
      case 'remove':
        console.log(
          `removed:\n${show(await removeKeys(need(argv.target, 'an interview name'), need(argv.file, 'a key file or fingerprint')))}`,
        )
        break
      case 'new': {
        const pair = writeKeyPair(need(argv.target, 'a NAME'), join(REPO_ROOT, 'keys'))
        console.log(
          `private key: ${pair.privateKey}\npublic key:  ${pair.publicKey}\nuse it:      --key ${pair.publicKey} when you run, or keys add INTERVIEW ${pair.publicKey}`,
        )
        break
      }
    }
  },
)
