/**
 * A minimal, fast OpenAI-compatible upstream for the load benchmark: POST /v1/chat/completions answers a fixed
 * small completion as JSON, or as an SSE stream (a role chunk, CONTENT_CHUNKS content chunks, a finish chunk, a
 * usage chunk when `stream_options.include_usage` is set, then `[DONE]`), shaped like OpenAI's own.
 *
 * It runs as its own process so it never shares an event loop with the load generator or the gateway. Started by
 * bench/run.js with `fork`: it reports `{ port }` over IPC once listening and exits when its parent goes away.
 *
 * Env: MOCK_PORT (default 0: any free port), MOCK_CHUNK_DELAY_MS (default 0: stream chunks written back to back).
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';

const CONTENT_CHUNKS = 10;
const WORDS = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.'];
const USAGE = { prompt_tokens: 12, completion_tokens: CONTENT_CHUNKS, total_tokens: 12 + CONTENT_CHUNKS };
const chunkDelayMs = Number(process.env.MOCK_CHUNK_DELAY_MS ?? 0);

/** @param {string} model */
function completionJson(model) {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: WORDS.join(''), refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: USAGE,
  });
}

/**
 * Every frame of one streamed answer, as wire text. With include_usage OpenAI puts `"usage": null` on every
 * content chunk and sends usage in a last chunk with no choices; the gateway's usage sniffing must cope with both.
 * @param {string} model
 * @param {boolean} includeUsage
 * @returns {string[]}
 */
function streamFrames(model, includeUsage) {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const usageField = includeUsage ? { usage: null } : {};
  /** @param {Record<string, unknown>} delta @param {string | null} finish */
  const chunk = (delta, finish) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageField })}\n\n`;
  const frames = [chunk({ role: 'assistant', content: '' }, null)];
  for (let i = 0; i < CONTENT_CHUNKS; i++) frames.push(chunk({ content: WORDS[i % WORDS.length] }, null));
  frames.push(chunk({}, 'stop'));
  if (includeUsage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage: USAGE })}\n\n`);
  frames.push('data: [DONE]\n\n');
  return frames;
}

/** @param {http.ServerResponse} res @param {string[]} frames */
async function writeFrames(res, frames) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for (const frame of frames) {
    if (res.destroyed) return;
    res.write(frame);
    if (chunkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, chunkDelayMs));
  }
  res.end();
}

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} text */
function answer(req, res, text) {
  /** @type {{ model?: unknown, stream?: unknown, stream_options?: { include_usage?: unknown } }} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"invalid JSON","type":"invalid_request_error"}}');
    return;
  }
  const model = typeof body.model === 'string' ? body.model : 'mock';
  if (body.stream === true) {
    void writeFrames(res, streamFrames(model, body.stream_options?.include_usage === true));
    return;
  }
  const json = completionJson(model);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (piece) => (text += piece));
  req.on('end', () => answer(req, res, text));
});

server.listen(Number(process.env.MOCK_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (process.send) process.send({ port });
  else process.stdout.write(`mock upstream listening on http://127.0.0.1:${port}\n`);
});

// The benchmark owns this process: when the IPC channel closes (parent exited or was killed), stop too.
process.on('disconnect', () => process.exit(0));
