#!/usr/bin/env zx
// scripts/interviewers.mjs: the cockpit's interviewer accounts (a name and a secret token each)
// Node needs tsx for the TypeScript library; Deno runs TypeScript itself.
if (!('Deno' in globalThis)) (await import('tsx/esm/api')).register()
const { cli } = await import('../tools/core/cli.ts')
const { addInterviewer, readInterviewers, removeInterviewer, serverDir } = await import('../tools/cockpit/interviewers.ts')
const { UserError } = await import('../tools/core/errors.ts')

await cli(
  import.meta.url,
  '<action> [name]',
  'add NAME      make an account; prints its token once (the server keeps only its hash)\n' +
    'list          the accounts, with when each was added\n' +
    'remove NAME   delete an account; its token stops working at once\n' +
    `The accounts are in ${serverDir()}/interviewers.json (mode 0600; INTERVIEW_ENV_SERVER_DIR moves it).`,
  (y) =>
    y
      .positional('action', { choices: ['add', 'list', 'remove'], demandOption: true })
      .positional('name', { type: 'string', describe: 'The interviewer, as the timeline will name them' }),
  (argv) => {
    const name = () => {
      if (!argv.name)
        throw new UserError(`interviewers ${argv.action} needs a NAME`, `e.g. npx zx scripts/interviewers.mjs ${argv.action} alice`)
      return argv.name
    }
    if (argv.action === 'add') {
      const token = addInterviewer(name())
      console.log(`${argv.name}: ${token}`)
      console.error('give this token to the interviewer now: it is not kept, only its hash')
    } else if (argv.action === 'remove') {
      removeInterviewer(name())
      console.log(`removed: ${argv.name}`)
    } else {
      const list = readInterviewers()
      console.log(
        list.map((i) => `${i.name}  added ${i.added}`).join('\n') || 'no interviewers (add one: npx zx scripts/interviewers.mjs add NAME)',
      )
    }
  },
)
