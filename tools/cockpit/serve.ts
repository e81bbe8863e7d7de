// The cockpit server (scripts/serve.mjs): the web gateway with the cockpit's API under /api/.
import { serveGateway, type ServeOptions } from '../web/serve.ts'
import type { ApiFactory } from '../web/gateway.ts'
import { cockpitApi } from './api.ts'

/** The API's handler for a gateway: interviews it starts listen where the gateway does. */
export const cockpitApiFor =
  (options: { secure: boolean; bind: string; stateDir?: string }): ApiFactory =>
  ({ docker, limiter, address, url }) =>
    cockpitApi({ docker, limiter, address, secure: options.secure, gatewayUrl: url, bind: options.bind, stateDir: options.stateDir })

export function serveCockpit(options: ServeOptions): Promise<void> {
  return serveGateway({ ...options, api: cockpitApiFor({ secure: !!options.cert, bind: options.bind }) })
}
