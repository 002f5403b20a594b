/**
 * Authentication tokens in Cloudify's format `ctok-<id>-<secret>`. The id names the stored token
 * (a SYSTEM_SCOPE entity of kind `token`); only a SHA-256 of the secret is stored. The secret has
 * 192 random bits, so a fast hash is enough (no dictionary to slow down), and comparison is in
 * constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'ctok';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export interface TokenParts {
  id: string;
  secret: string;
}

function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // 62 does not divide 256: skip bytes >= 248 to keep the characters uniform.
  for (const byte of bytes) {
    if (byte >= 248) continue;
    out += ID_ALPHABET[byte % 62];
    if (out.length === length) break;
  }
  return out.length === length ? out : out + randomAlphanumeric(length - out.length);
}

export function newTokenParts(): TokenParts {
  return { id: randomAlphanumeric(10), secret: randomAlphanumeric(32) };
}

export function tokenValue(parts: TokenParts): string {
  return `${PREFIX}-${parts.id}-${parts.secret}`;
}

/** The id and secret of a token value, or undefined when it is not one. */
export function parseTokenValue(value: string): TokenParts | undefined {
  const match = /^ctok-([A-Za-z0-9]{1,64})-([A-Za-z0-9]{16,128})$/.exec(value.trim());
  return match ? { id: match[1], secret: match[2] } : undefined;
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function tokenSecretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashTokenSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
