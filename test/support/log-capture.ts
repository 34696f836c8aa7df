/**
 * A pino destination that keeps every log line in memory, so tests can assert what the gateway logged (and, more
 * to the point, what it never logged).
 */
import type { DestinationStream } from 'pino';

export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line.trimEnd());
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** Parsed lines whose `msg` equals `message`. */
  entries(message: string): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === message);
  }

  /** Resolves once a line with this `msg` has been logged; rejects after `timeoutMs`. */
  async waitFor(message: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.entries(message)[0];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no "${message}" log line within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
