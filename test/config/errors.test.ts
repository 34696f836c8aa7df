import { describe, expect, it } from 'vitest';
import { ConfigError, formatPath, isWithin } from '../../src/config/errors.js';

describe('formatPath', () => {
  it('writes keys with dots and indexes in brackets', () => {
    expect(formatPath(['models', 2, 'deployments', 0, 'provider'])).toBe('models[2].deployments[0].provider');
    expect(formatPath(['providers', 'azure-eu', 'base_url'])).toBe('providers.azure-eu.base_url');
    expect(formatPath(['server'])).toBe('server');
  });

  it('quotes keys that would read ambiguously', () => {
    expect(formatPath(['providers', 'eu.west', 'type'])).toBe('providers["eu.west"].type');
    expect(formatPath(['providers', 'my provider'])).toBe('providers["my provider"]');
  });

  it('names the root', () => {
    expect(formatPath([])).toBe('(root)');
  });
});

describe('isWithin', () => {
  it('matches the path itself and what lies under it, not siblings that share a prefix', () => {
    expect(isWithin('a.b', 'a.b')).toBe(true);
    expect(isWithin('a.b.c', 'a.b')).toBe(true);
    expect(isWithin('a.b[0]', 'a.b')).toBe(true);
    expect(isWithin('a.bc', 'a.b')).toBe(false);
  });
});

describe('ConfigError', () => {
  it('lists every issue under a header naming the source', () => {
    const error = new ConfigError('gatehouse.yaml', [
      { path: 'server.listen', message: 'bad' },
      { path: 'models[0]', message: 'worse' },
    ]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.source).toBe('gatehouse.yaml');
    expect(error.message).toBe('Invalid configuration in gatehouse.yaml:\n  server.listen: bad\n  models[0]: worse');
  });

  it('takes another header and a cause', () => {
    const cause = new Error('ENOENT');
    const error = new ConfigError('x.yaml', [{ path: 'x.yaml', message: 'ENOENT' }], { header: 'Cannot read x.yaml:', cause });
    expect(error.message).toBe('Cannot read x.yaml:\n  x.yaml: ENOENT');
    expect(error.cause).toBe(cause);
  });
});
