/**
 * HashiCorp Vault (KV version 2) as the secret provider. Other providers' config refers to its
 * secrets as `{"secret": "path#field"}`; they are resolved at start-up, watched, and the providers
 * using a secret are rebuilt when it rotates. Values never appear in a log line or an error.
 */
import { type Adapter, AdapterError, type AdapterFactory, type SecretCapability } from '../contract/index.js';
import { createHttpClient } from '../http/index.js';
import { parseVaultConfig } from './config.js';
import { parseKey, pick } from './keys.js';
import { KvStore } from './kv.js';
import { VaultSession } from './session.js';
import { SecretWatcher } from './watch.js';

export const createVaultAdapter: AdapterFactory = (raw, env) => {
  const config = parseVaultConfig(raw);
  const http = createHttpClient({
    baseUrl: config.address,
    provider: 'Vault',
    timeoutMs: config.timeoutMs,
    ...(config.ca ? { ca: config.ca } : {}),
    headers: config.namespace ? { 'x-vault-namespace': config.namespace } : {},
    secrets: [config.token, config.roleId, config.secretId].filter((s): s is string => Boolean(s)),
  });
  const session = new VaultSession(http, config, env.logger);
  const kv = new KvStore(session, config.mount);
  const watcher = new SecretWatcher(kv, config.refreshIntervalMs, config.maxWatchedSecrets, env.logger);

  const secret: SecretCapability = {
    async get(key, ctx) {
      const parsed = parseKey(key);
      const stored = await kv.read(parsed.path, ctx.signal);
      if (!stored) throw new AdapterError('NOT_FOUND', `secret ${JSON.stringify(key)} not found`);
      const value = pick(key, parsed, stored.data);
      watcher.remember(key, parsed, value, stored.leaseSeconds);
      return value;
    },
    async put(key, value, ctx) {
      const parsed = parseKey(key);
      const stored = await kv.read(parsed.path, ctx.signal);
      const data = { ...(stored?.data ?? {}) };
      const fields = Object.keys(data);
      const field = parsed.field ?? (fields.length === 1 ? (fields[0] as string) : 'value');
      data[field] = value;
      await kv.write(parsed.path, data, stored?.version ?? 0, ctx.signal);
    },
    onChange: (listener) => watcher.onChange(listener),
  };

  const adapter: Adapter = {
    kind: 'vault',
    capabilities: { secret },
    async checkHealth(ctx) {
      try {
        await session.request('GET', '/v1/auth/token/lookup-self', ctx.signal ? { signal: ctx.signal } : {});
        return { status: 'HEALTHY' };
      } catch (err) {
        return { status: 'DOWN', message: err instanceof Error ? err.message : 'unreachable' };
      }
    },
    async close() {
      watcher.close();
      session.close();
      await http.close();
    },
  };
  return adapter;
};
