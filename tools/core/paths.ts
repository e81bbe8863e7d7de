// Where things are in the repository: its root and the project's folders.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** images/: the base, the other images, and images/tasks/<task>. */
export const IMAGES_DIR = join(REPO_ROOT, 'images')
/** images/tasks/: one folder per task. */
export const TASKS_DIR = join(IMAGES_DIR, 'tasks')
/** scripts/: the commands. */
export const SCRIPTS_DIR = join(REPO_ROOT, 'scripts')
