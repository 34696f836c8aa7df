/**
 * A `fetch` for the SDKs that keeps a copy of every response body, so a test can scan everything a client was sent
 * (error bodies the SDK turned into exceptions included) for leaked secrets and stack traces.
 */
export interface LoggedResponse {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

export class ResponseLog {
  readonly responses: LoggedResponse[] = [];
  private readonly pending: Promise<void>[] = [];

  /** Pass as the SDK's `fetch` option. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const copy = response.clone();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    this.pending.push(
      copy.text().then(
        (text) => void this.responses.push({ url, status: response.status, headers: response.headers, text }),
        () => void this.responses.push({ url, status: response.status, headers: response.headers, text: '' }),
      ),
    );
    return response;
  };

  /** Record a response read without an SDK. */
  add(url: string, status: number, headers: Headers, text: string): void {
    this.responses.push({ url, status, headers, text });
  }

  /** Every body, once all copies have been read. */
  async texts(): Promise<string[]> {
    await Promise.all(this.pending);
    return this.responses.map((response) => response.text);
  }
}
