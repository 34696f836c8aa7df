/**
 * `gatehouse demo` (what `npm start` runs): a gateway with built-in mock models and an embedded SQLite store,
 * ready to call with any OpenAI or Anthropic SDK. The API key is generated once and kept in ./data so the
 * printed examples keep working across restarts.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/errors.js';
import { startGateway } from '../server/gateway.js';
import { closeOnSignals } from './shutdown.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));
const KEY_FILE = './data/demo-api-key';

export async function runDemo(configPath = DEMO_CONFIG): Promise<void> {
  const key = await demoKey();
  try {
    const gateway = await startGateway({ configPath, env: { ...process.env, GATEHOUSE_DEMO_KEY: key } });
    process.stdout.write(banner(gateway.url, key));
    closeOnSignals(gateway, (message) => process.stderr.write(`gatehouse: ${message}\n`));
  } catch (error) {
    process.stderr.write(`gatehouse: ${error instanceof ConfigError ? error.message : `could not start the demo: ${(error as Error).message}`}\n`);
    process.exit(1);
  }
}

async function demoKey(): Promise<string> {
  try {
    const saved = (await readFile(KEY_FILE, 'utf8')).trim();
    if (saved) return saved;
  } catch {
    // first start: create it below
  }
  const key = `gh-demo-${randomBytes(18).toString('base64url')}`;
  await mkdir('./data', { recursive: true });
  await writeFile(KEY_FILE, `${key}\n`, { mode: 0o600 });
  await chmod(KEY_FILE, 0o600);
  return key;
}

function banner(url: string, key: string): string {
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

  Metrics: ${url}/metrics   Health: ${url}/readyz

`;
}
