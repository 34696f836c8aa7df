/**
 * A gateway for the console's browser tests: browser sign-in against the demo IdP (alice, bob, admin), mock
 * models with prices (so calls cost something and show up in spend), and the demo's policy, under which bob
 * (group interns) is denied the premium model with a message.
 */
import { startSignInSetup, type SignInSetup } from './sign-in-gateway.js';

/** The bootstrap admin key of the sign-in test gateway, for arranging data the UI then shows. */
export const ADMIN_KEY = 'gh-sign-in-test-admin-key';
export const PREMIUM_DENIED = 'Premium models need the ml-senior group.';

export function startConsoleGateway(): Promise<SignInSetup> {
  return startSignInSetup({
    config: {
      providers: { mock: { type: 'mock' } },
      models: [
        {
          name: 'demo-fast',
          description: 'A quick mock chat model',
          deployments: [{ provider: 'mock', model: 'mock-fast', region: 'eu', input_cost_per_mtok: 2, output_cost_per_mtok: 8 }],
        },
        {
          name: 'demo-smart',
          description: 'A premium mock chat model',
          tags: ['premium'],
          deployments: [
            { provider: 'mock', model: 'mock-smart-us', region: 'us', input_cost_per_mtok: 15, output_cost_per_mtok: 60 },
            { provider: 'mock', model: 'mock-smart-eu', region: 'eu', input_cost_per_mtok: 15, output_cost_per_mtok: 60 },
          ],
          fallbacks: ['demo-fast'],
        },
      ],
      policies: [
        { name: 'signed-in users and keys', allow: { authenticated_user: true } },
        {
          name: 'premium models are for ml-senior',
          deny: {
            and: [{ model_tags: { has: 'premium' } }, { not: [{ groups: { has_any: ['ml-senior', 'gatehouse-admins'] } }, { auth_method: { in: ['bootstrap_key', 'virtual_key'] } }] }],
          },
          message: PREMIUM_DENIED,
        },
        { name: 'legal and hr stay in the EU', when: { 'claim/department': { in: ['legal', 'hr'] } }, route: { regions: ['eu'] } },
      ],
    },
  });
}

/** Calls the gateway's admin API with the bootstrap key; throws with the API's message on failure. */
export async function adminCall<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** One chat completion with an API key; returns the status and body. */
export async function chatWith(url: string, key: string, model = 'demo-fast'): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello from the console test' }] }),
  });
  return { status: response.status, body: await response.text() };
}
