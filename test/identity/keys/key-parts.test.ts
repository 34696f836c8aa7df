import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '../../../src/identity/keys/expiring-cache.js';
import { generateKey, hasKeyShape, looksLikeKey, visiblePrefix } from '../../../src/identity/keys/key-format.js';
import { KeyHasher } from '../../../src/identity/keys/key-hasher.js';
import { parseLifetime } from '../../../src/identity/keys/lifetime.js';

describe('key format', () => {
  it('makes distinct keys of the documented shape, recognised by prefix', () => {
    const service = generateKey('service');
    const personal = generateKey('personal');
    expect(service).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);
    expect(personal).toMatch(/^ghp_[A-Za-z0-9_-]{43}$/);
    expect(generateKey('service')).not.toBe(service);
    expect([hasKeyShape(service), hasKeyShape(personal), hasKeyShape(`${service}=`), hasKeyShape('ghk_abc')]).toEqual([true, true, false, false]);
    expect([looksLikeKey('ghk_abc'), looksLikeKey('ghp_'), looksLikeKey('sk-ghk_'), looksLikeKey('eyJ.x.y')]).toEqual([true, true, false, false]);
    expect(visiblePrefix(service)).toBe(service.slice(0, 12));
  });
});

describe('KeyHasher', () => {
  it('is keyed by the secret: same secret, same digest; another secret, another digest', () => {
    const key = generateKey('service');
    const a = new KeyHasher('secret-number-one-0123');
    expect(a.hash(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(new KeyHasher('secret-number-one-0123').hash(key)).toBe(a.hash(key));
    expect(new KeyHasher('secret-number-two-0123').hash(key)).not.toBe(a.hash(key));
  });
});

describe('parseLifetime', () => {
  it('takes durations with a unit and numbers of seconds', () => {
    expect(parseLifetime('30d')).toBe(30 * 86_400_000);
    expect(parseLifetime('8h')).toBe(8 * 3_600_000);
    expect(parseLifetime('90m')).toBe(90 * 60_000);
    expect(parseLifetime(3600)).toBe(3_600_000);
  });

  it('refuses unitless strings, zero, negatives and garbage', () => {
    for (const value of ['30', '0d', '-1h', 'soon', '', 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(parseLifetime(value)).toBeUndefined();
  });
});

describe('ExpiringCache', () => {
  it('forgets entries at their expiry and the oldest entry when full', () => {
    const cache = new ExpiringCache<number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 200);
    expect(cache.get('a', 99)).toBe(1);
    expect(cache.get('a', 100)).toBeUndefined();
    cache.set('c', 3, 300);
    cache.set('d', 4, 400); // full: 'b' (oldest) goes
    expect(cache.get('b', 0)).toBeUndefined();
    expect([cache.get('c', 0), cache.get('d', 0), cache.size]).toEqual([3, 4, 2]);
    cache.delete('c');
    cache.clear();
    expect(cache.size).toBe(0);
    expect(() => new ExpiringCache(0)).toThrow(RangeError);
  });
});
