// Scaffolding a task folder that builds and passes the task tests as it is, once the README's
// catalog lists it (npx zx scripts/catalog.mjs --write).
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/errors.ts'
import { REPO_ROOT } from '../core/paths.ts'
import { checkInterviewName } from '../engine/names.ts'

export function taskFiles(name: string): Record<string, string> {
  return {
    'project.json':
      JSON.stringify(
        {
          name,
          $schema: '../../../node_modules/nx/schemas/project-schema.json',
          projectType: 'application',
          tags: ['image', 'task'],
          implicitDependencies: ['base'],
          targets: {
            build: { command: `zx scripts/build.mjs ${name}` },
            test: { command: `TASK=${name} bats --print-output-on-failure tests/task-suite` },
          },
        },
        null,
        2,
      ) + '\n',
    Dockerfile: `ARG BASE=interview-env/base
FROM \${BASE}

# Extra packages the task needs go here, e.g.:
# RUN set -eux; apt-get update; apt-get install -y --no-install-recommends nginx; rm -rf /var/lib/apt/lists/*

COPY . /tmp/task
RUN install-task /tmp/task
`,
    '.dockerignore': 'solution\nproject.json\n',
    'task.md': `---
title: ${name}
difficulty: easy
minutes: 5
skills: [files]
tools: [ls, cat]
---
The service \`greeter\` reads its greeting from \`/srv/greeter/greeting\`, but the file is empty.
Make it say \`hello\`.
`,
    setup: `#!/bin/bash
# Build-time setup: runs once while the image is built, then is deleted from the image.
set -euo pipefail
mkdir -p /srv/greeter
: > /srv/greeter/greeting
`,
    start: `#!/bin/bash
# Start-time setup: runs as root when each interview starts (before anyone logs in), then is deleted.
# Randomise the fault here, and keep what the check needs in /var/lib/interview (root-only).
# Several ways of being broken? List them in task.md (variants: [a, b]), set up the one named in
# $INTERVIEW_VARIANT, and write its name to /var/lib/interview/task/variant (docs/writing-tasks.md).
set -euo pipefail
`,
    check: `#!/bin/bash
# Prints OK and exits 0 when the task is solved; otherwise prints "NO: <what is still wrong>" and
# exits 1, without giving the answer away. Runs as root, twice, a few seconds apart, time-limited.
# The interviewer's check runs it in the checker, on its own tools: the box's files under $ROOT,
# what the start script decided in $TASK (docs/writing-tasks.md, The check). In the box, \`task
# check\` runs it with both unset.
set -uo pipefail
ROOT=\${ROOT:-} TASK=\${TASK:-/var/lib/interview/task}
file=$ROOT/srv/greeter/greeting
[ ! -L "$file" ] && grep -qx hello "$file" 2>/dev/null || { echo "NO: the greeter would not say hello"; exit 1; }
echo OK
`,
    solution: `# The reference solution, typed as the candidate would (it runs as user over SSH). Never in the image.
echo hello | sudo tee /srv/greeter/greeting >/dev/null
`,
    'hints/1.md': 'Look at the file the statement names: what is in it?\n',
    'hints/2.md': '`sudo tee` writes a file that only root may change.\n',
  }
}

/** Writes a new task folder under images/tasks; never overwrites one. */
export function newTask(name: string, root = REPO_ROOT): string {
  checkInterviewName(name)
  const dir = join(root, 'images/tasks', name)
  if (existsSync(dir)) throw new UserError(`${dir} already exists`, 'choose another name')
  for (const [file, text] of Object.entries(taskFiles(name))) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
    if (['setup', 'start', 'check'].includes(file)) chmodSync(join(dir, file), 0o755)
  }
  return dir
}
