import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAssertionSigner } from '../../../src/identity/assertion/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-assertion-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settings = (signing_key_file: string, publish_key_files: string[] = []) => ({ signing_key_file, publish_key_files, lifetime: 300_000 });
const ISSUER = 'https://gatehouse.example.com';

function writePem(name: string, pem: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, pem);
  return file;
}

function ecKey(namedCurve = 'P-256') {
  return generateKeyPairSync('ec', { namedCurve });
}

async function thumbprintOf(publicPem: string): Promise<string> {
  const { kty, crv, x, y } = await exportJWK(createPublicKey(publicPem));
  return calculateJwkThumbprint({ kty, crv, x, y } as { kty: string; crv: string; x: string; y: string });
}

describe('the signing key file', () => {
  it('is generated when missing: directories created, PKCS#8 PEM, mode 0600, no temporary file left', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'assertion.pem');
    const signer = await loadAssertionSigner(settings(file), ISSUER);

    const pem = readFileSync(file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['assertion.pem']);
    const [jwk] = signer.jwks().keys;
    expect(signer.jwks().keys).toHaveLength(1);
    expect(jwk?.kid).toBe(await thumbprintOf(pem));
  });

  it('is kept: a second load reuses it (same kid, same file)', async () => {
    const file = path.join(dir, 'assertion.pem');
    const first = await loadAssertionSigner(settings(file), ISSUER);
    const pem = readFileSync(file, 'utf8');
    const second = await loadAssertionSigner(settings(file), ISSUER);
    expect(second.jwks().keys[0]?.kid).toBe(first.jwks().keys[0]?.kid);
    expect(readFileSync(file, 'utf8')).toBe(pem);
  });

  it('is generated once when several gateways start at the same moment', async () => {
    const file = path.join(dir, 'assertion.pem');
    const signers = await Promise.all(Array.from({ length: 6 }, () => loadAssertionSigner(settings(file), ISSUER)));
    const kids = new Set(signers.map((signer) => signer.jwks().keys[0]?.kid));
    expect(kids.size).toBe(1);
    expect([...kids][0]).toBe(await thumbprintOf(readFileSync(file, 'utf8')));
    expect(readdirSync(dir)).toEqual(['assertion.pem']);
  });

  it('is loaded when present (PKCS#8, or SEC1 "EC PRIVATE KEY") and never rewritten', async () => {
    const { privateKey, publicKey } = ecKey();
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const type of ['pkcs8', 'sec1'] as const) {
      const pem = privateKey.export({ type, format: 'pem' }).toString();
      const file = writePem(`${type}.pem`, pem);
      const signer = await loadAssertionSigner(settings(file), ISSUER);
      expect(signer.jwks().keys[0]?.kid).toBe(await thumbprintOf(publicPem));
      expect(readFileSync(file, 'utf8')).toBe(pem);
    }
  });

  it.each([
    ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /need an EC P-256 private key, but this is a rsa key/],
    ['a P-384 key', () => ecKey('P-384').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /need an EC P-256 private key, but this is a EC secp384r1 key/],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /need an EC P-256 private key, but this is a ed25519 key/],
    ['a public key', () => ecKey().publicKey.export({ type: 'spki', format: 'pem' }).toString(), /not a PEM private key/],
    ['garbage', () => 'not a key at all\n', /not a PEM private key/],
  ])('refuses %s, naming the setting and the file but not the key', async (_what, pem, reason) => {
    const contents = pem();
    const file = writePem('bad.pem', contents);
    const failure = loadAssertionSigner(settings(file), ISSUER);
    await expect(failure).rejects.toThrow(reason);
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toContain(`identity.assertion.signing_key_file ${file}:`);
    const body = contents.split('\n').find((line) => line.length > 20 && !line.startsWith('-----'));
    if (body) expect(message).not.toContain(body);
    expect(readFileSync(file, 'utf8')).toBe(contents);
  });

  it('refuses a key file it cannot read with the reason', async () => {
    const file = path.join(dir, 'a-directory.pem');
    mkdirSync(file);
    await expect(loadAssertionSigner(settings(file), ISSUER)).rejects.toThrow(`identity.assertion.signing_key_file ${file}: cannot be read`);
  });

  it('refuses a lifetime under one second', async () => {
    await expect(loadAssertionSigner({ ...settings(path.join(dir, 'k.pem')), lifetime: 500 }, ISSUER)).rejects.toThrow('identity.assertion.lifetime: must be at least 1s');
  });
});

describe('published keys', () => {
  it('lists the signing key first, then every published key (public or private PEM), public parts only', async () => {
    const next = ecKey();
    const previous = ecKey();
    const nextPublic = writePem('next.pub.pem', next.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const previousPrivate = writePem('previous.pem', previous.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const signer = await loadAssertionSigner(settings(path.join(dir, 'signing.pem'), [nextPublic, previousPrivate]), ISSUER);

    const { keys } = signer.jwks();
    expect(keys).toHaveLength(3);
    expect(keys[1]?.kid).toBe(await thumbprintOf(next.publicKey.export({ type: 'spki', format: 'pem' }).toString()));
    expect(keys[2]?.kid).toBe(await thumbprintOf(previous.publicKey.export({ type: 'spki', format: 'pem' }).toString()));
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
    expect(JSON.stringify(signer.jwks())).not.toContain('"d"');
  });

  it('lists a key once even when it is published twice or is the signing key itself', async () => {
    const signingFile = path.join(dir, 'signing.pem');
    await loadAssertionSigner(settings(signingFile), ISSUER);
    const other = writePem('other.pem', ecKey().publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const signer = await loadAssertionSigner(settings(signingFile, [signingFile, other, other]), ISSUER);
    expect(signer.jwks().keys).toHaveLength(2);
  });

  it('returns a copy: a caller cannot change the published set', async () => {
    const signer = await loadAssertionSigner(settings(path.join(dir, 'signing.pem')), ISSUER);
    signer.jwks().keys.push(signer.jwks().keys[0]!);
    expect(signer.jwks().keys).toHaveLength(1);
    expect(() => Object.assign(signer.jwks().keys[0]!, { kid: 'changed' })).toThrow();
  });

  it.each([
    ['missing', () => undefined, /publish_key_files .*missing\.pem: no such file/],
    ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), /need an EC P-256 public or private key, but this is a rsa key/],
    ['garbage', () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', /not a PEM public or private key/],
  ])('refuses a published key file that is %s, naming it', async (_what, pem, reason) => {
    const contents = pem();
    const file = contents === undefined ? path.join(dir, 'missing.pem') : writePem('published.pem', contents);
    const failure = loadAssertionSigner(settings(path.join(dir, 'signing.pem'), [file]), ISSUER);
    await expect(failure).rejects.toThrow(reason);
    await expect(failure).rejects.toThrow(`identity.assertion.publish_key_files ${file}`);
  });
});
