/**
 * The keys of the identity assertion: the ES256 signing key (`identity.assertion.signing_key_file`, generated and
 * kept when missing) and the extra public keys published for rotation (`publish_key_files`). Every error names the
 * file and the setting, never the key material.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey, type JWK } from 'jose';

/** A public key as published in the JWKS. */
export interface PublishedJwk extends JWK {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  /** The RFC 7638 thumbprint of the key. */
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface SigningKey {
  /** Non-extractable: the private key never leaves WebCrypto once loaded. */
  privateKey: CryptoKey;
  publicJwk: PublishedJwk;
}

/** Loads the signing key, generating and keeping one (mode 0600) when the file does not exist. */
export async function loadSigningKey(file: string): Promise<SigningKey> {
  const where = `identity.assertion.signing_key_file ${file}`;
  const pem = (await readIfPresent(file, where)) ?? (await createKeyFile(file, where));
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${where}: not a PEM private key (${(error as Error).message})`);
  }
  requireP256(keyObject, where, 'private');
  // PKCS#8 is what the file should hold; a SEC1 "EC PRIVATE KEY" file is accepted too, by way of a re-export.
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKey: await importPKCS8(pkcs8, 'ES256'), publicJwk: await publishedJwk(createPublicKey(keyObject)) };
}

/** Loads a key to publish: a public (SPKI) PEM, or a private PEM whose public half is published. */
export async function loadPublishedKey(file: string): Promise<PublishedJwk> {
  const where = `identity.assertion.publish_key_files ${file}`;
  const pem = await readIfPresent(file, where);
  if (pem === undefined) throw new Error(`${where}: no such file`);
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey(pem);
  } catch (error) {
    throw new Error(`${where}: not a PEM public or private key (${(error as Error).message})`);
  }
  requireP256(keyObject, where, 'public or private');
  return publishedJwk(keyObject);
}

function requireP256(key: KeyObject, where: string, kind: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    const found = key.asymmetricKeyType === 'ec' ? `EC ${curve ?? 'unknown curve'}` : (key.asymmetricKeyType ?? 'unknown type');
    throw new Error(`${where}: assertions are signed ES256 and need an EC P-256 ${kind} key, but this is a ${found} key`);
  }
}

async function publishedJwk(publicKey: KeyObject): Promise<PublishedJwk> {
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const jwk = { kty, crv, x, y } as Pick<PublishedJwk, 'kty' | 'crv' | 'x' | 'y'>;
  return Object.freeze({ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES256', use: 'sig' });
}

async function readIfPresent(file: string, where: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${where}: cannot be read (${(error as Error).message})`);
  }
}

/**
 * Generates a P-256 key and writes it, readable by its owner only. The key is written to a temporary file, synced,
 * then hard-linked into place: a link never replaces an existing file, so when several replicas sharing a volume
 * start at once, exactly one key wins and every replica loads that one (a rename would let each keep its own).
 */
async function createKeyFile(file: string, where: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(pem);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return await placeKeyFile(temp, file, pem);
  } catch (error) {
    throw new Error(`${where}: the key file is missing and a new one cannot be written (${(error as Error).message})`);
  } finally {
    await rm(temp, { force: true });
  }
}

async function placeKeyFile(temp: string, file: string, pem: string): Promise<string> {
  try {
    await link(temp, file);
    return pem;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return readFile(file, 'utf8'); // another process created it first: use theirs
    // Some network and FUSE file systems have no hard links; a rename is still atomic there.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      await rename(temp, file);
      return pem;
    }
    throw error;
  }
}
