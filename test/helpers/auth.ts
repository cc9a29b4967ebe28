/** Tokens for tests: real hashes made as `npm run token` makes them, in a file the gateway watches. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from '../../src/auth/principal.js';
import { hashToken, newToken, type TokenEntry } from '../../src/auth/tokens.js';

export interface TestToken {
  name: string;
  token: string;
  entry: TokenEntry;
}

export function makeToken(name: string, scopes: Scope[], restrict?: TokenEntry['restrict']): TestToken {
  const token = newToken();
  return { name, token, entry: { name, hash: hashToken(token), scopes, ...(restrict ? { restrict } : {}) } };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `opsorch-${prefix}-`));
}

export function writeTokensFile(path: string, tokens: readonly (TestToken | TokenEntry)[]): void {
  const entries = tokens.map((t) => ('entry' in t ? t.entry : t));
  writeFileSync(path, JSON.stringify(entries));
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
