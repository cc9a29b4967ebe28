/**
 * API tokens: configured as salted hashes only (`sha256$<salt>$<digest>`, printed by
 * `npm run token`), so the configuration never holds a usable credential. Tokens are 256 random
 * bits, so one salted SHA-256 is as strong as a slow hash would be for them. A tokens file is read
 * again when it changes: removing a token or marking it `"revoked": true` takes effect at once,
 * for new requests and for open WebSockets.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { z } from 'zod';
import { type Principal, parseScopes, type Restriction, SCOPES } from './principal.js';

const HASH_PREFIX = 'sha256';

export const tokenEntrySchema = z
  .object({
    name: z.string().min(1).max(200),
    hash: z
      .string()
      .regex(/^sha256\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{43}$/, 'must be a hash printed by npm run token'),
    scopes: z.array(z.enum(SCOPES)).min(1),
    restrict: z
      .object({ service: z.string().min(1), team: z.string().min(1), environment: z.string().min(1) })
      .partial()
      .strict()
      .optional(),
    revoked: z.boolean().optional(),
  })
  .strict();
export type TokenEntry = z.infer<typeof tokenEntrySchema>;
export const tokenListSchema = z.array(tokenEntrySchema);

export function newToken(): string {
  return `oog_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string, salt: string = randomBytes(16).toString('base64url')): string {
  return `${HASH_PREFIX}$${salt}$${digest(salt, token).toString('base64url')}`;
}

function digest(salt: string, token: string): Buffer {
  return createHash('sha256').update(salt).update('\u0000').update(token).digest();
}

function matches(entry: TokenEntry, token: string): boolean {
  const [, salt = '', expected = ''] = entry.hash.split('$');
  const want = Buffer.from(expected, 'base64url');
  const got = digest(salt, token);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function principalOf(entry: TokenEntry): Principal {
  const restriction: Restriction | undefined =
    entry.restrict && Object.keys(entry.restrict).length > 0 ? entry.restrict : undefined;
  return {
    actor: entry.name,
    scopes: parseScopes(entry.scopes),
    via: 'token',
    tokenName: entry.name,
    ...(restriction ? { restriction } : {}),
  };
}

/** The configured tokens; `onChange` listeners hear when the file behind them changed. */
export class TokenStore {
  private entries: readonly TokenEntry[];
  private readonly listeners = new Set<() => void>();

  constructor(
    entries: readonly TokenEntry[],
    private readonly file?: { path: string; onError: (message: string) => void },
  ) {
    this.entries = entries;
    if (file) {
      this.entries = readTokensFile(file.path);
      // Polling, not fs.watch: it survives editors that replace the file and works on every filesystem.
      watchFile(file.path, { interval: 250, persistent: false }, () => this.reload());
    }
  }

  get size(): number {
    return this.entries.length;
  }

  find(token: string): Principal | undefined {
    let found: TokenEntry | undefined;
    // Every entry is compared, so the time taken does not tell which one matched.
    for (const entry of this.entries) if (matches(entry, token) && !found) found = entry;
    return found && !found.revoked ? principalOf(found) : undefined;
  }

  /** Whether a token name is still configured and not revoked. */
  isActive(name: string): boolean {
    return this.entries.some((e) => e.name === name && !e.revoked);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.file) unwatchFile(this.file.path);
    this.listeners.clear();
  }

  private reload(): void {
    if (!this.file) return;
    try {
      this.entries = readTokensFile(this.file.path);
    } catch (err) {
      // A half-written or broken file keeps the tokens last read rather than locking everyone out.
      this.file.onError((err as Error).message);
      return;
    }
    for (const listener of this.listeners) listener();
  }
}

export function readTokensFile(path: string): TokenEntry[] {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `OPSORCH_AUTH_TOKENS_FILE=${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseTokenList(raw, `OPSORCH_AUTH_TOKENS_FILE (${path})`);
}

export function parseTokenList(raw: string, where: string): TokenEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${where} is not valid JSON`);
  }
  const result = tokenListSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${where}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const names = new Set<string>();
  for (const entry of result.data) {
    if (names.has(entry.name)) throw new Error(`${where}: token name ${JSON.stringify(entry.name)} is used twice`);
    names.add(entry.name);
  }
  return result.data;
}
