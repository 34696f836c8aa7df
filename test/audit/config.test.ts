import { describe, expect, it } from 'vitest';
import { auditPrincipal } from '../../src/audit/record.js';
import { auditLogOptions } from '../../src/audit/writer.js';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { ANONYMOUS } from '../../src/identity/principal.js';

function messagesOf(text: string): string[] {
  try {
    parseConfig(text, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('the audit config section', () => {
  it('defaults to 90 days of retention, pruned hourly, and hands the writer its settings', () => {
    const config = parseConfig('storage: { flush_interval: 250ms, batch_size: 20 }', {});
    expect(config.audit).toEqual({ retention: 90 * 86_400_000, prune_interval: 3_600_000, log_prompts_max_chars: 32_768 });
    expect(auditLogOptions(config)).toEqual({ flushIntervalMs: 250, batchSize: 20, retentionMs: 90 * 86_400_000, pruneIntervalMs: 3_600_000, promptMaxChars: 32_768 });
  });

  it('takes durations, "forever" and a prompt limit', () => {
    expect(parseConfig('audit: { retention: 400d, prune_interval: 10m, log_prompts_max_chars: 0 }', {}).audit).toEqual({ retention: 400 * 86_400_000, prune_interval: 600_000, log_prompts_max_chars: 0 });
    expect(parseConfig('audit: { retention: forever }', {}).audit.retention).toBeNull();
  });

  it('refuses a zero or malformed retention, and unknown keys, naming the path', () => {
    expect(messagesOf('audit: { retention: 0d }')).toEqual(['audit.retention: expected a duration such as "90d" or "12h", or "forever", got "0d"']);
    expect(messagesOf('audit: { retention: always }')[0]).toMatch(/^audit\.retention: expected a duration/);
    expect(messagesOf('audit: { log_prompts_max_chars: -1 }')[0]).toMatch(/^audit\.log_prompts_max_chars:/);
    expect(messagesOf('audit: { retension: 30d }')[0]).toMatch(/^audit: unknown key "retension"/);
  });
});

describe('auditPrincipal', () => {
  it('keeps who the caller is and drops claims and credentials', () => {
    const principal = { ...ANONYMOUS, authenticated: true, authMethod: 'jwt' as const, subject: 'u1', email: 'u1@example.com', groups: ['a'], claims: { secret: 'x' }, keyId: undefined };
    expect(auditPrincipal(principal)).toEqual({ subject: 'u1', email: 'u1@example.com', groups: ['a'], authMethod: 'jwt', keyId: null });
    expect(auditPrincipal(ANONYMOUS)).toEqual({ subject: 'anonymous', email: null, groups: [], authMethod: 'none', keyId: null });
  });
});
