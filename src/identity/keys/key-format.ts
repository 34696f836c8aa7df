/**
 * What a Gatehouse key looks like: `ghk_` (service) or `ghp_` (personal) followed by 32 random bytes in base64url.
 * The prefix lets the authenticate stage tell a key from a JWT or a bootstrap key without a lookup, and lets
 * secret scanners recognise a leaked key; the first 12 characters are kept in clear to identify it in lists.
 */
import { randomBytes } from 'node:crypto';
import type { ApiKeyKind } from '../../store/api-keys.js';

const PREFIXES: Readonly<Record<ApiKeyKind, string>> = { service: 'ghk_', personal: 'ghp_' };
const SECRET_BYTES = 32;
const VISIBLE_LENGTH = 12;
/** 32 bytes are 43 base64url characters (no padding). */
const KEY_SHAPE = /^gh[kp]_[A-Za-z0-9_-]{43}$/;

/** Whether a credential claims to be a Gatehouse key: only the prefix is checked, so malformed keys are refused as keys. */
export function looksLikeKey(credential: string): boolean {
  return credential.startsWith(PREFIXES.service) || credential.startsWith(PREFIXES.personal);
}

/** Whether a credential has exactly the shape of a key; anything else is refused before hashing or lookup. */
export function hasKeyShape(credential: string): boolean {
  return KEY_SHAPE.test(credential);
}

export function kindOfKey(credential: string): ApiKeyKind {
  return credential.startsWith(PREFIXES.personal) ? 'personal' : 'service';
}

export function generateKey(kind: ApiKeyKind): string {
  return PREFIXES[kind] + randomBytes(SECRET_BYTES).toString('base64url');
}

/** The part of a key kept in clear: enough to recognise it, far too little to guess the rest. */
export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_LENGTH);
}

/** A key's public id, used in lists, URLs, logs and the principal. */
export function generateKeyId(): string {
  return `key_${randomBytes(12).toString('base64url')}`;
}
