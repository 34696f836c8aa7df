/**
 * An outage of a dependency (Redis) in the log: one warning when it starts and one line when it ends, however many
 * calls fail in between, so a dead dependency under load cannot flood the log. Counting every failure is the
 * metrics' job.
 */
export interface OutageLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export class OutageLog {
  private down = false;

  constructor(
    private readonly logger: OutageLogger,
    private readonly messages: { readonly down: string; readonly up: string },
    /** Fields on the warning, such as the mode the gateway falls back to. */
    private readonly fields: object = {},
  ) {}

  /** A call failed; logged only when it starts an outage. */
  failed(reason: string): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn({ err: { message: reason }, ...this.fields }, this.messages.down);
  }

  /** A call succeeded; true (and logged) when it ends an outage. */
  recovered(): boolean {
    if (!this.down) return false;
    this.down = false;
    this.logger.info({}, this.messages.up);
    return true;
  }
}
