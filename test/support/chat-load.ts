/**
 * Sustained chat traffic against a gateway: a number of loops, each sending one request after another (streamed
 * and not, alternating), that tally what the clients saw. A request counts as answered only when it got a 200
 * and its whole body: a complete JSON completion, or a stream that reached `data: [DONE]`.
 */
import { Agent, request } from 'undici';

export interface ChatLoadOptions {
  url: string;
  apiKey: string;
  model: string;
  concurrency: number;
}

export interface ChatLoadTally {
  /** Request ids (from `x-request-id`) of every request answered with a complete 200. */
  answered: string[];
  /** Epoch ms at which each answered request completed, in the same order. */
  answeredAt: number[];
  /** Responses other than a complete 200, by status (a 200 whose body broke off counts under "200-incomplete"). */
  refused: Record<string, number>;
  /** Requests that got no response at all (connection refused or reset). */
  connectionErrors: number;
}

export class ChatLoad {
  readonly tally: ChatLoadTally = { answered: [], answeredAt: [], refused: {}, connectionErrors: 0 };
  private stopped = false;
  private readonly dispatcher = new Agent({ connections: 64, keepAliveTimeout: 10_000, connect: { timeout: 5_000 }, bodyTimeout: 30_000, headersTimeout: 30_000 });
  private readonly loops: Promise<void>[];

  constructor(private readonly options: ChatLoadOptions) {
    this.loops = Array.from({ length: options.concurrency }, (_, loop) => this.run(loop));
  }

  /** Answered so far. */
  get answered(): number {
    return this.tally.answered.length;
  }

  /** Ends every loop after its current request, and waits for them. */
  async stop(): Promise<ChatLoadTally> {
    this.stopped = true;
    await Promise.all(this.loops);
    await this.dispatcher.destroy();
    return this.tally;
  }

  private async run(loop: number): Promise<void> {
    for (let i = 0; !this.stopped; i += 1) {
      const outcome = await this.send((loop + i) % 2 === 0, `loop ${loop} request ${i}`);
      if (outcome === 'no-response') await new Promise((resolve) => setTimeout(resolve, 10)); // no spinning on a closed port
    }
  }

  private async send(stream: boolean, content: string): Promise<'answered' | 'refused' | 'no-response'> {
    const { url, apiKey, model } = this.options;
    let status: number;
    let requestId: string;
    let text: string;
    try {
      const response = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream, messages: [{ role: 'user', content }] }),
      });
      status = response.statusCode;
      requestId = String(response.headers['x-request-id'] ?? '');
      try {
        text = await response.body.text();
      } catch {
        this.count(status === 200 ? '200-incomplete' : String(status));
        return 'refused';
      }
    } catch {
      this.tally.connectionErrors += 1;
      return 'no-response';
    }
    if (status === 200 && complete(text, stream)) {
      this.tally.answered.push(requestId);
      this.tally.answeredAt.push(Date.now());
      return 'answered';
    }
    this.count(status === 200 ? '200-incomplete' : String(status));
    return 'refused';
  }

  private count(key: string): void {
    this.tally.refused[key] = (this.tally.refused[key] ?? 0) + 1;
  }
}

/** A whole chat completion: JSON with a message, or an SSE stream with content that ended with `[DONE]`. */
function complete(text: string, stream: boolean): boolean {
  if (stream) return text.includes('"content"') && text.trimEnd().endsWith('data: [DONE]');
  try {
    const body = JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> };
    return typeof body.choices?.[0]?.message?.content === 'string';
  } catch {
    return false;
  }
}
