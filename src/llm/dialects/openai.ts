/**
 * Validation of OpenAI-dialect request bodies. Only what Gatehouse relies on, or what an upstream would reject
 * less clearly, is checked; every other field passes through untouched.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const tokenInput = z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))]);

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

const tool = z.looseObject({
  type: z.string(),
  function: z.looseObject({ name: z.string().min(1) }).optional(),
});

const streamFields = {
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
};

export const openaiChatSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  ...streamFields,
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  n: positiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
});

export const openaiCompletionSchema = z.looseObject({
  model: z.string().min(1),
  prompt: tokenInput,
  ...streamFields,
  max_tokens: positiveInt.nullish(),
  n: positiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
});

export const openaiEmbeddingSchema = z.looseObject({
  model: z.string().min(1),
  input: tokenInput,
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: positiveInt.optional(),
});
