import { describe, expect, it } from '@jest/globals';
import { parseExpiration } from '../../../../src/api/auth/expiry';
import { hashPassword, verifyPassword } from '../../../../src/api/auth/passwords';
import { hashTokenSecret, newTokenParts, parseTokenValue, tokenSecretMatches, tokenValue } from '../../../../src/api/auth/tokens';
import { TtlCache } from '../../../../src/api/auth/ttl-cache';
import { ApiError } from '../../../../src/api/errors';

describe('password hashes', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct');
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct horse', second)).toBe(true);
    expect(await verifyPassword('correct hors', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('treats malformed or tampered hashes as a mismatch, never an error', async () => {
    const good = await hashPassword('pw');
    const parts = good.split('$');
    for (const stored of ['', 'plain', 'scrypt$1$2$3', `bcrypt$${parts.slice(1).join('$')}`, [...parts.slice(0, 5), 'AAAA'].join('$'), good.replace('$32768$', '$99999999$')]) {
      expect(await verifyPassword('pw', stored)).toBe(false);
    }
  });
});

describe('tokens', () => {
  it('makes ctok-<id>-<secret> values that parse back, with only a hash to store', () => {
    const parts = newTokenParts();
    const value = tokenValue(parts);
    expect(value).toMatch(/^ctok-[A-Za-z0-9]{10}-[A-Za-z0-9]{32}$/);
    expect(parseTokenValue(value)).toEqual(parts);
    const stored = hashTokenSecret(parts.secret);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenSecretMatches(parts.secret, stored)).toBe(true);
    // One character changed (never to itself: a secret ending in 'x' made this flaky, 1 run in 62).
    const changed = `${parts.secret.slice(0, -1)}${parts.secret.endsWith('x') ? 'y' : 'x'}`;
    expect(tokenSecretMatches(changed, stored)).toBe(false);
    expect(tokenSecretMatches(parts.secret, 'abc')).toBe(false);
  });

  it('never reuses ids or secrets', () => {
    const made = Array.from({ length: 200 }, () => newTokenParts());
    expect(new Set(made.map((parts) => parts.id)).size).toBe(200);
    expect(new Set(made.map((parts) => parts.secret)).size).toBe(200);
  });

  it('rejects values that are not tokens', () => {
    for (const value of ['', 'ctok', 'ctok--', 'ctok-abc', 'ctok-abc-short', 'xtok-abcdefghij-abcdefghijklmnopqrstuvwxyz012345', 'ctok-a#b-abcdefghijklmnopqrstuvwxyz']) {
      expect(parseTokenValue(value)).toBeUndefined();
    }
  });
});

describe('token expiry', () => {
  const now = new Date('2030-06-01T12:00:00.000Z');
  it('reads absolute and relative dates the Cloudify client sends', () => {
    expect(parseExpiration('2030-07-01 10:30', now)).toBe('2030-07-01T10:30:00.000Z');
    expect(parseExpiration('2030-07-01T10:30:00+02:00', now)).toBe('2030-07-01T08:30:00.000Z');
    expect(parseExpiration('+10h', now)).toBe('2030-06-01T22:00:00.000Z');
    expect(parseExpiration('+30 minutes', now)).toBe('2030-06-01T12:30:00.000Z');
    expect(parseExpiration('+1 day', now)).toBe('2030-06-02T12:00:00.000Z');
    expect(parseExpiration(undefined, now)).toBeNull();
    expect(parseExpiration(null, now)).toBeNull();
  });

  it('refuses anything else with 400', () => {
    for (const value of ['tomorrow', '+10 fortnights', '+h', 12, '2030-13-45 99:99']) {
      expect(() => parseExpiration(value, now)).toThrow(ApiError);
    }
  });
});

describe('TtlCache', () => {
  it('forgets entries after the TTL and evicts the oldest beyond the cap', () => {
    let clock = 0;
    const cache = new TtlCache<number>(100, 2, () => clock);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    clock = 150;
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBeUndefined();
  });
});
