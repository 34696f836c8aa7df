/** The OpenAI- and Anthropic-compatible API: one handler per endpoint, all running the same pipeline. */
import type { FastifyInstance } from 'fastify';
import { createLlmHandler, type PipelineDeps } from '../llm-pipeline.js';

export function registerLlmRoutes(app: FastifyInstance, deps: PipelineDeps): void {
  app.post('/v1/chat/completions', createLlmHandler('chat', deps));
  app.post('/v1/completions', createLlmHandler('completions', deps));
  app.post('/v1/embeddings', createLlmHandler('embeddings', deps));
  app.post('/v1/messages', createLlmHandler('messages', deps));
}
