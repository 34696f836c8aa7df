/**
 * The floor: the least any Node.js HTTP proxy can do on this machine. node:http in, one undici Pool out (the same
 * client the gateway uses), the body forwarded as bytes and the answer piped back; no framework, no auth, no
 * parsing, no accounting. Measured next to the gateway, it separates what the machine costs any proxy (an extra
 * loopback hop, a third process on two cores) from what Gatehouse itself adds.
 *
 * Started by bench/run.js with `fork` (env UPSTREAM_URL); reports `{ port }` over IPC, exits with its parent.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:1', { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
async function forward(req, res) {
  /** @type {Uint8Array[]} */
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const answer = await upstream.request({ path: req.url ?? '/', method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks.length === 1 ? chunks[0] : new Uint8Array(Buffer.concat(chunks)) });
  const contentType = answer.headers['content-type'];
  res.writeHead(answer.statusCode, typeof contentType === 'string' ? { 'content-type': contentType } : {});
  await pipeline(answer.body, res);
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  forward(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});

process.on('disconnect', () => process.exit(0));
