/**
 * `gatehouse demo` (what `npm start` runs): a gateway with built-in mock models and an embedded SQLite store,
 * ready to call with any OpenAI or Anthropic SDK, plus a DEMO OpenID provider on 127.0.0.1 so browser sign-in,
 * `/.gatehouse/me` and `gatehouse login` work with no outside identity provider. The API key and the session
 * secret are generated once and kept in ./data so the printed examples and sessions survive restarts; the demo
 * IdP is started here and only here (no configuration key enables it).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/errors.js';
import { startDemoIdp, type DemoIdp, type DemoUser } from '../demo/idp.js';
import { startGateway } from '../server/gateway.js';
import { closeOnSignals } from './shutdown.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));
const KEY_FILE = './data/demo-api-key';
const SECRET_FILE = './data/demo-secret';
const DEMO_CLIENT_ID = 'gatehouse-demo';

export async function runDemo(configPath = DEMO_CONFIG): Promise<void> {
  let idp: DemoIdp | undefined;
  try {
    const key = await keptSecret(KEY_FILE, () => `gh-demo-${randomBytes(18).toString('base64url')}`);
    const secret = await keptSecret(SECRET_FILE, () => randomBytes(32).toString('base64url'));
    const publicUrl = `http://localhost:${listenPort(process.env.GATEHOUSE_LISTEN)}`;
    const clientSecret = randomBytes(24).toString('base64url');
    idp = await startDemoIdp({
      port: Number(process.env.GATEHOUSE_DEMO_IDP_PORT ?? 4001),
      clients: [{ clientId: DEMO_CLIENT_ID, clientSecret, redirectUris: [`${publicUrl}/.gatehouse/callback`], postLogoutRedirectUris: [`${publicUrl}/`] }],
      log: (message) => process.stderr.write(`gatehouse demo: ${message}\n`),
    });
    const env = { ...process.env, GATEHOUSE_DEMO_KEY: key, GATEHOUSE_DEMO_SECRET: secret, GATEHOUSE_DEMO_PUBLIC_URL: publicUrl, GATEHOUSE_DEMO_IDP_ISSUER: idp.issuer, GATEHOUSE_DEMO_CLIENT_SECRET: clientSecret };
    const gateway = await startGateway({ configPath, env });
    process.stdout.write(banner(gateway.url, publicUrl, key, idp.users));
    const demoIdp = idp;
    closeOnSignals({ ...gateway, close: () => gateway.close().finally(() => demoIdp.close()) }, (message) => process.stderr.write(`gatehouse: ${message}\n`));
  } catch (error) {
    await idp?.close();
    process.stderr.write(`gatehouse: ${error instanceof ConfigError ? error.message : `could not start the demo: ${(error as Error).message}`}\n`);
    process.exit(1);
  }
}

/** A value generated on first start and kept (mode 0600) in ./data. */
async function keptSecret(file: string, generate: () => string): Promise<string> {
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (saved) return saved;
  } catch {
    // first start: create it below
  }
  const value = generate();
  await mkdir('./data', { recursive: true });
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return value;
}

function listenPort(listen: string | undefined): string {
  return /:(\d+)$/.exec(listen ?? '')?.[1] ?? '4000';
}

function banner(url: string, publicUrl: string, key: string, users: readonly DemoUser[]): string {
  const people = users.map((user) => `    ${user.username.padEnd(6)} password ${user.password.padEnd(11)} groups [${user.groups.join(', ')}]${user.groups.includes('gatehouse-admins') ? '  (an admin)' : ''}`).join('\n');
  return `
  Gatehouse demo is running at ${url}   (Ctrl-C to stop)

  API key:  ${key}
  Models:   demo-fast, demo-smart (premium, falls back to demo-fast), demo-embed

  Try it with curl:

    curl ${url}/v1/chat/completions \\
      -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
      -d '{"model": "demo-fast", "messages": [{"role": "user", "content": "Hello, Gatehouse!"}]}'

  Or with the OpenAI SDK (npm install openai; save as demo.mjs, run with node demo.mjs):

    import OpenAI from 'openai';
    const client = new OpenAI({ baseURL: '${url}/v1', apiKey: '${key}' });
    const reply = await client.chat.completions.create({ model: 'demo-fast', messages: [{ role: 'user', content: 'Hello!' }] });
    console.log(reply.choices[0].message.content);

  Open the web console and sign in (DEMO identity provider, not for production):

    ${publicUrl}/ui/

${people}

  Who you are signed in as: ${publicUrl}/.gatehouse/me

  Or get a personal key for your shell:   npx gatehouse login ${publicUrl}

  Metrics: ${url}/metrics   Health: ${url}/readyz

`;
}
