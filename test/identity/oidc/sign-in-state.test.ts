/** Pending sign-ins and CLI login codes in the store: single use, short-lived, on every test database. */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGN_IN_TTL_MS, SignInAttempts } from '../../../src/identity/oidc/sign-in-attempts.js';
import { CLI_CODE_TTL_MS, CliLoginCodes } from '../../../src/identity/sessions/cli-login-codes.js';
import { SecretBox } from '../../../src/identity/sessions/secret-box.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { testDatabases, type OpenedTestDatabase } from '../../store/databases.js';

const CHECKS = { state: 'state-0123456789abcdef', nonce: 'nonce-0123456789', codeVerifier: 'verifier-0123456789-SECRET' };
const ALICE = { subject: 'alice', email: 'alice@example.com', name: 'Alice', groups: ['ml-senior'], claims: { department: 'research' } };

describe.each(testDatabases())('sign-in state on $name', (database) => {
  let opened: OpenedTestDatabase;
  let store: Store;
  let now: number;
  beforeEach(async () => {
    if (!database.enabled) return;
    opened = await database.open();
    store = await openStore(opened.url);
    now = Date.UTC(2030, 0, 1);
  });
  afterEach(async () => {
    if (!database.enabled) return;
    await store.close();
    await opened.cleanup();
  });

  it.runIf(database.enabled)('takes a pending sign-in once, and keeps its secrets sealed in the store', async () => {
    const attempts = new SignInAttempts(store.db, SecretBox.fromSecret('a-test-secret-of-enough-length', 'attempt'), { clock: () => now });
    await attempts.save(CHECKS, '/ui/');
    expect(JSON.stringify(await store.db.selectFrom('sign_in_attempts').selectAll().execute())).not.toMatch(/verifier-0123456789|nonce-0123456789|state-0123456789/);
    expect(await attempts.take('another-state')).toBeUndefined();
    expect(await attempts.take(CHECKS.state)).toEqual({ checks: CHECKS, returnTo: '/ui/' });
    expect(await attempts.take(CHECKS.state)).toBeUndefined();
  });

  it.runIf(database.enabled)('refuses a pending sign-in older than ten minutes', async () => {
    const attempts = new SignInAttempts(store.db, SecretBox.fromSecret('a-test-secret-of-enough-length', 'attempt'), { clock: () => now });
    await attempts.save(CHECKS, '/');
    now += SIGN_IN_TTL_MS + 1;
    expect(await attempts.take(CHECKS.state)).toBeUndefined();
  });

  it.runIf(database.enabled)('redeems a CLI code once, only with the verifier of its challenge, and only while fresh', async () => {
    const codes = new CliLoginCodes(store.db, { clock: () => now });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = await codes.issue(ALICE, challenge);
    expect(JSON.stringify(await store.db.selectFrom('cli_login_codes').selectAll().execute())).not.toContain(code);
    expect(await codes.redeem(code, verifier)).toEqual(ALICE);
    expect(await codes.redeem(code, verifier)).toBeUndefined();

    const wrong = await codes.issue(ALICE, challenge);
    expect(await codes.redeem(wrong, randomBytes(32).toString('base64url'))).toBeUndefined();
    expect(await codes.redeem(wrong, verifier)).toBeUndefined();

    const late = await codes.issue(ALICE, challenge);
    now += CLI_CODE_TTL_MS;
    expect(await codes.redeem(late, verifier)).toBeUndefined();
  });
});
