/**
 * Plain HTTP calls to a gateway that remember every request they made (its id from `x-request-id`, what was
 * sent, what came back), so a test can hold the audit log against the traffic: one record per request, no more.
 */
import { sseData } from './raw-http.js';

export interface CallOptions {
  /** Sent as `Authorization: Bearer …`; none when undefined. */
  token?: string | undefined;
  /** A string is sent as is (broken JSON included), anything else as JSON. */
  body?: unknown;
  userAgent?: string;
}

export interface Call {
  label: string;
  method: string;
  path: string;
  userAgent: string;
  status: number;
  requestId: string;
  text: string;
  /** Epoch ms just before the request was sent and just after its response was read. */
  sentAt: number;
  doneAt: number;
}

export class CallLog {
  readonly calls: Call[] = [];

  constructor(private readonly baseUrl: string) {}

  /** One request; `label` names it in the user agent (`audit-e2e/<label>`) and in assertion messages. */
  async send(label: string, method: string, path: string, options: CallOptions = {}): Promise<Call> {
    const headers: Record<string, string> = { 'user-agent': options.userAgent ?? `audit-e2e/${label}` };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const sentAt = Date.now();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined && { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const call: Call = {
      label,
      method,
      path: path.split('?')[0] ?? path,
      userAgent: headers['user-agent'] ?? '',
      status: response.status,
      requestId: response.headers.get('x-request-id') ?? '',
      text,
      sentAt,
      doneAt: Date.now(),
    };
    this.calls.push(call);
    return call;
  }

  /** The call with this label (the last one, when a label was used twice). */
  get(label: string): Call {
    const call = this.calls.findLast((candidate) => candidate.label === label);
    if (!call) throw new Error(`no call labelled ${label}`);
    return call;
  }

  /** The JSON body of a call's response. */
  static json<T>(call: Call): T {
    return JSON.parse(call.text) as T;
  }
}

/** The assistant text of an OpenAI chat response, whole or streamed (SSE). */
export function chatText(call: Call): string {
  if (call.text.startsWith('data:')) {
    return sseData(call.text)
      .map((chunk) => {
        const choices = chunk.choices as Array<{ delta?: { content?: string | null } }> | undefined;
        return choices?.[0]?.delta?.content ?? '';
      })
      .join('');
  }
  const body = JSON.parse(call.text) as { choices: Array<{ message: { content: string | null } }> };
  return body.choices[0]?.message.content ?? '';
}
