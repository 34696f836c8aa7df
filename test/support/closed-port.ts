/** A local port nothing listens on (it was free a moment ago), for providers whose connections must be refused. */
import { freePort } from './free-port.js';

export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/v1`;
}
