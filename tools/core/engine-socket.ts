// Where the interview engine listens: the Docker daemon that scripts/start-engine.sh starts for
// interviews, beside (never instead of) any engine the machine already runs.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const engineRunDir = (env: NodeJS.ProcessEnv = process.env) => env.INTERVIEW_ENGINE_RUN || '/run/interview-env'
export const engineSocket = (env: NodeJS.ProcessEnv = process.env) => join(engineRunDir(env), 'docker.sock')

/**
 * Points DOCKER_HOST (for dockerode, the docker CLI and Compose) at the interview engine when it runs
 * and nothing else was chosen; an explicit DOCKER_HOST always wins.
 */
export function useInterviewEngine(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): void {
  if (env.DOCKER_HOST) return
  const socket = engineSocket(env)
  if (exists(socket)) env.DOCKER_HOST = `unix://${socket}`
}
