/**
 * GET /v1/models and /v1/models/{id}: the model groups a caller can ask for. OpenAI SDKs get OpenAI's list
 * shape; Anthropic SDKs (recognised by their `anthropic-version` header) get Anthropic's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatehouseError } from '../../errors.js';
import { requireAuthenticated } from '../../identity/require-authenticated.js';
import { mayList, requestFacts } from '../../policy/authorize.js';
import type { ModelGroup } from '../../router/types.js';
import type { Runtime } from '../runtime.js';

export function registerModelRoutes(app: FastifyInstance, runtime: () => Runtime): void {
  app.get('/v1/models', async (req) => {
    const principal = requireAuthenticated(req);
    const rt = runtime();
    const facts = requestFacts(req);
    const named = (name: string) => rt.router.group(name);
    const groups = [...rt.router.groups()].filter((group) => mayList(rt.policy, principal, facts, group, named));
    if (isAnthropicClient(req)) {
      const data = groups.map((group) => anthropicModel(group, rt.loadedAt));
      return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
    }
    return { object: 'list', data: groups.map((group) => openaiModel(group, rt.loadedAt)) };
  });

  app.get<{ Params: { '*': string } }>('/v1/models/*', async (req) => {
    const principal = requireAuthenticated(req);
    const rt = runtime();
    // Model names may contain slashes (e.g. "meta-llama/Llama-3-8B"), hence the wildcard.
    const id = req.params['*'];
    const group = rt.router.group(id);
    if (!group || !mayList(rt.policy, principal, requestFacts(req), group, (name) => rt.router.group(name))) throw new GatehouseError('GH_ERR_MODEL_NOT_FOUND', `The model "${id}" does not exist or you do not have access to it.`, { param: 'model' });
    return isAnthropicClient(req) ? anthropicModel(group, rt.loadedAt) : openaiModel(group, rt.loadedAt);
  });
}

function isAnthropicClient(req: FastifyRequest): boolean {
  return req.headers['anthropic-version'] !== undefined;
}

function openaiModel(group: ModelGroup, created: number) {
  return { id: group.name, object: 'model', created, owned_by: 'gatehouse' };
}

function anthropicModel(group: ModelGroup, created: number) {
  return { type: 'model', id: group.name, display_name: group.description ?? group.name, created_at: new Date(created * 1000).toISOString() };
}
