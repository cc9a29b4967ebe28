/**
 * The Vault adapter against a fake that answers as Vault's HTTP API documentation shows: KV v2
 * reads and check-and-set writes, token and AppRole auth with renewal, rate limits, refusals and
 * malformed answers, the rotation watch and its bound, and start-up through the registry.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Adapter, SecretCapability } from '../../../adapters/contract/index.js';
import { adapterFactories } from '../../../adapters/index.js';
import { createVaultAdapter } from '../../../adapters/vault/index.js';
import { loadConfig } from '../../../src/providers/config.js';
import { buildRegistry } from '../../../src/providers/registry.js';
import { startVaultFake, type VaultFake } from '../../fakes/vault/server.js';
import { testLogger } from '../../helpers/gateway.js';

let vault: VaultFake;
const open: Adapter[] = [];

async function vaultAdapter(config: Record<string, unknown>): Promise<{ adapter: Adapter; secret: SecretCapability }> {
  const adapter = await createVaultAdapter({ address: vault.url, ...config }, { name: 'vault', logger: testLogger });
  open.push(adapter);
  return { adapter, secret: adapter.capabilities.secret as SecretCapability };
}

beforeAll(async () => {
  vault = await startVaultFake();
  vault.put('pagerduty', { token: 'pd-token-value' });
  vault.put('slack', { token: 'xoxb-1', signingSecret: 'sign-1' });
  vault.put('multi', { a: '1', value: 'the-value' });
});

afterAll(async () => {
  await Promise.all(open.map((a) => a.close?.()));
  await vault?.stop();
});

beforeEach(() => {
  vault.requests.length = 0;
});

describe('Vault KV v2 reads', () => {
  it('reads a field by path#field, the only field, or the value field, with the token and namespace', async () => {
    const { secret } = await vaultAdapter({ token: vault.rootToken, namespace: 'ops', refreshIntervalMs: 0 });
    expect(await secret.get('slack#signingSecret', {})).toBe('sign-1');
    expect(await secret.get('pagerduty', {})).toBe('pd-token-value');
    expect(await secret.get('multi', {})).toBe('the-value');
    const reads = vault.requests.filter((r) => r.path.startsWith('/v1/secret/data/'));
    expect(reads.map((r) => r.path)).toEqual([
      '/v1/secret/data/slack',
      '/v1/secret/data/pagerduty',
      '/v1/secret/data/multi',
    ]);
    expect(reads.every((r) => r.token === vault.rootToken && r.namespace === 'ops')).toBe(true);
  });

  it('answers NOT_FOUND for a missing secret or field, naming fields but never values', async () => {
    const { secret } = await vaultAdapter({ token: vault.rootToken, refreshIntervalMs: 0 });
    await expect(secret.get('nope#token', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const err = await secret.get('slack#password', {}).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND' });
    expect((err as Error).message).toContain('token, signingSecret');
    expect((err as Error).message).not.toContain('xoxb-1');
    await expect(secret.get('../sys/raw', {})).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('waits out a rate limit quota and reports a malformed answer', async () => {
    const { secret } = await vaultAdapter({ token: vault.rootToken, refreshIntervalMs: 0 });
    await secret.get('pagerduty', {});
    vault.requests.length = 0;
    vault.rateLimitNext(1, 1);
    expect(await secret.get('pagerduty', {})).toBe('pd-token-value');
    expect(vault.requests.filter((r) => r.path === '/v1/secret/data/pagerduty')).toHaveLength(2);

    vault.malformedNext();
    await expect(secret.get('pagerduty', {})).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
  });

  it('refuses a bad token with FORBIDDEN and keeps the token out of the message and health', async () => {
    const { adapter, secret } = await vaultAdapter({ token: 'hvs.WRONGtoken123456', refreshIntervalMs: 0 });
    const err = await secret.get('pagerduty', {}).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'FORBIDDEN' });
    expect((err as Error).message).toContain('permission denied');
    expect((err as Error).message).not.toContain('WRONGtoken');
    const health = await adapter.checkHealth({});
    expect(health.status).toBe('DOWN');
    expect(health.message).not.toContain('WRONGtoken');
  });
});

describe('Vault writes', () => {
  it('puts a field with check-and-set, keeping the other fields', async () => {
    const { secret } = await vaultAdapter({ token: vault.rootToken, refreshIntervalMs: 0 });
    const before = vault.versions('slack');
    await secret.put?.('slack#signingSecret', 'sign-2', {});
    const write = vault.requests.find((r) => r.method === 'POST');
    expect(write?.body).toEqual({ options: { cas: before }, data: { token: 'xoxb-1', signingSecret: 'sign-2' } });
    expect(await secret.get('slack#signingSecret', {})).toBe('sign-2');
    await secret.put?.('fresh#key', 'v', {});
    expect(vault.requests.filter((r) => r.method === 'POST').at(-1)?.body).toEqual({
      options: { cas: 0 },
      data: { key: 'v' },
    });
  });
});

describe('Vault AppRole', () => {
  it('logs in, renews at two thirds of the TTL, and logs in again when the token can no longer be renewed', async () => {
    vault.approleTtl = 3;
    vault.approleMaxTtl = 4;
    try {
      const { secret } = await vaultAdapter({ roleId: vault.roleId, secretId: vault.secretId, refreshIntervalMs: 0 });
      const renewed = vault.next((r) => r.path === '/v1/auth/token/renew-self');
      expect(await secret.get('pagerduty', {})).toBe('pd-token-value');
      const login = vault.requests.find((r) => r.path === '/v1/auth/approle/login');
      expect(login?.body).toEqual({ role_id: vault.roleId, secret_id: vault.secretId });
      const firstToken = vault.requests.find((r) => r.path === '/v1/secret/data/pagerduty')?.token;
      expect(firstToken).toMatch(/^hvs\.AR/);
      expect((await renewed).token).toBe(firstToken);

      // The renewal hit the max TTL (1 s left, not renewable): the next renewal is a fresh login.
      const relogin = await vault.next((r) => r.path === '/v1/auth/approle/login');
      expect(relogin.body).toEqual({ role_id: vault.roleId, secret_id: vault.secretId });
      const read = vault.next((r) => r.path === '/v1/secret/data/pagerduty');
      expect(await secret.get('pagerduty', {})).toBe('pd-token-value');
      expect((await read).token).not.toBe(firstToken);
    } finally {
      vault.approleTtl = 3600;
      vault.approleMaxTtl = 7200;
    }
  });

  it('logs in again once when Vault refuses a revoked token', async () => {
    const { secret } = await vaultAdapter({ roleId: vault.roleId, secretId: vault.secretId, refreshIntervalMs: 0 });
    await secret.get('pagerduty', {});
    const token = vault.requests.find((r) => r.path === '/v1/secret/data/pagerduty')?.token as string;
    vault.revoke(token);
    vault.requests.length = 0;
    expect(await secret.get('pagerduty', {})).toBe('pd-token-value');
    expect(vault.requests.map((r) => r.path)).toEqual([
      '/v1/secret/data/pagerduty',
      '/v1/auth/approle/login',
      '/v1/secret/data/pagerduty',
    ]);
  });

  it('rejects a bad secret ID without echoing it', async () => {
    const { secret } = await vaultAdapter({ roleId: vault.roleId, secretId: 'sid-wrong-0000', refreshIntervalMs: 0 });
    const err = await secret.get('pagerduty', {}).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((err as Error).message).toContain('invalid role or secret ID');
    expect((err as Error).message).not.toContain('sid-wrong-0000');
  });
});

describe('Vault rotation watch', () => {
  it('announces the keys whose values changed, reading each path once per round', async () => {
    const { secret } = await vaultAdapter({ token: vault.rootToken, refreshIntervalMs: 100 });
    vault.put('rotating', { token: 't1', other: 'o1' });
    await secret.get('rotating#token', {});
    await secret.get('rotating#other', {});
    const changed = new Promise<readonly string[]>((resolve) => secret.onChange?.(resolve));
    vault.put('rotating', { token: 't2', other: 'o1' });
    expect(await changed).toEqual(['rotating#token']);
    const round = vault.requests.filter((r) => r.path === '/v1/secret/data/rotating');
    expect(round.length).toBeGreaterThanOrEqual(3);
  });

  it('watches at most maxWatchedSecrets keys', async () => {
    const { secret } = await vaultAdapter({ token: vault.rootToken, refreshIntervalMs: 100, maxWatchedSecrets: 2 });
    for (const name of ['w1', 'w2', 'w3']) vault.put(name, { v: `${name}-a` });
    for (const name of ['w1', 'w2', 'w3']) await secret.get(name, {});
    const changed = new Promise<readonly string[]>((resolve) => secret.onChange?.(resolve));
    for (const name of ['w3', 'w2', 'w1']) vault.put(name, { v: `${name}-b` });
    expect([...(await changed)].sort()).toEqual(['w1', 'w2']);
  });
});

describe('Vault at start-up', () => {
  it('resolves other providers’ secret references, and names the key when Vault refuses', async () => {
    const env = {
      OPSORCH_SECRET_PROVIDER: 'vault',
      OPSORCH_SECRET_CONFIG: JSON.stringify({
        address: vault.url,
        token: 'hvs.NOPE-not-a-token',
        refreshIntervalMs: 0,
      }),
      OPSORCH_MESSAGING_PROVIDER: 'slack',
      OPSORCH_MESSAGING_CONFIG: JSON.stringify({ token: { secret: 'slack#token' } }),
    };
    const err = await buildRegistry(loadConfig(env), adapterFactories, testLogger, env).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'provider slack config.token: secret "slack#token" could not be read (Vault answered 403 to GET /v1/auth/token/lookup-self: permission denied)',
    );

    const good = { ...env, OPSORCH_SECRET_CONFIG: JSON.stringify({ address: vault.url, token: vault.rootToken }) };
    const registry = await buildRegistry(loadConfig(good), adapterFactories, testLogger, good);
    try {
      expect(registry.instances.map((i) => [i.name, i.kind])).toEqual([
        ['slack', 'slack'],
        ['vault', 'vault'],
      ]);
    } finally {
      await registry.close();
    }
  });

  it('names the bad config key', () => {
    const create = (config: Record<string, unknown>) => () =>
      createVaultAdapter({ address: vault.url, ...config }, { name: 'v', logger: testLogger });
    expect(create({})).toThrow('token: is required (or roleId and secretId for AppRole)');
    expect(create({ roleId: 'r' })).toThrow('secretId: AppRole needs both roleId and secretId');
    expect(create({ token: 't', refreshIntervalMs: 5 })).toThrow('refreshIntervalMs: must be 0 (off) or at least 100');
  });
});
