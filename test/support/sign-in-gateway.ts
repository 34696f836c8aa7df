/**
 * A gateway with browser sign-in against the demo IdP, for sign-in and `gatehouse login` tests. The gateway's
 * port is chosen before it starts because the IdP must know the callback URL up front.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { defaultDemoUsers, startDemoIdp, type DemoIdp, type DemoUser } from '../../src/demo/idp.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { freePort } from './free-port.js';
import { LogCapture } from './log-capture.js';

export const CLIENT_SECRET = 'demo-client-secret-0123456789';
export const GATEWAY_SECRET = 'sign-in-test-secret-0123456789abcdef';

export interface SignInSetup {
  idp: DemoIdp;
  users: DemoUser[];
  gateway: RunningGateway;
  url: string;
  logs: LogCapture;
  dataDir: string;
  close(): Promise<void>;
}

export async function startSignInSetup(extra: { sessions?: Record<string, unknown>; config?: Record<string, unknown>; idp?: DemoIdp } = {}): Promise<SignInSetup> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const users = defaultDemoUsers();
  const idp =
    extra.idp ??
    (await startDemoIdp({
      users,
      clients: [{ clientId: 'gatehouse-test', clientSecret: CLIENT_SECRET, redirectUris: [`${url}/.gatehouse/callback`], postLogoutRedirectUris: [`${url}/`] }],
    }));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sign-in-'));
  const configPath = path.join(dataDir, 'gatehouse.yaml');
  const config = {
    server: { listen: `127.0.0.1:${port}`, public_url: url, api_keys: ['gh-sign-in-test-admin-key'] },
    storage: { url: `sqlite:${path.join(dataDir, 'gatehouse.db')}`, flush_interval: '50ms' },
    secret: GATEWAY_SECRET,
    providers: { mock: { type: 'mock' } },
    models: [{ name: 'demo-fast', deployments: [{ provider: 'mock', model: 'mock-fast' }] }],
    identity: {
      oidc: { issuer: idp.issuer, client_id: 'gatehouse-test', client_secret: CLIENT_SECRET },
      admins: { groups: ['gatehouse-admins'] },
      assertion: { signing_key_file: path.join(dataDir, 'assertion.pem') },
      ...(extra.sessions && { sessions: extra.sessions }),
    },
    ...extra.config,
  };
  writeFileSync(configPath, stringify(config));
  const logs = new LogCapture();
  const gateway = await startGateway({ configPath, env: {}, watch: false, logger: createLogger('debug', logs) });
  await logs.waitFor('OIDC provider discovered');
  return {
    idp,
    users: extra.idp ? extra.idp.users : users,
    gateway,
    url,
    logs,
    dataDir,
    async close() {
      await gateway.close();
      if (!extra.idp) await idp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
