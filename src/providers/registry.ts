/**
 * Which provider instance serves which capability. Resolvers and loaders ask the registry; they
 * never know which tool is behind a capability.
 */
import type { Adapter, AdapterFactory, Capability, CapabilityMap } from '../../adapters/contract/index.js';
import { capabilityNotConfigured, gatewayError } from '../graphql/errors.js';
import type { Logger } from '../logger.js';
import { rememberSecrets } from '../redaction.js';
import { ConfigError, type GatewayConfig, type ProviderConfig } from './config.js';
import { swappable } from './rotation.js';
import { hasSecretRefs, resolveSecretRefs, secretKeysOf, secretsIn } from './secrets.js';

export interface ProviderInstance {
  name: string;
  kind: string;
  adapter: Adapter;
  capabilities: Capability[];
}

export interface Served<C extends Capability> {
  provider: string;
  impl: CapabilityMap[C];
}

export class AdapterRegistry {
  readonly instances: readonly ProviderInstance[];
  /** The provider instances' names, for code that keeps per-provider state without calling one. */
  readonly names: readonly string[];
  private readonly byName = new Map<string, ProviderInstance>();
  /** Who serves each capability, in configured order; built once, read on every call. */
  private readonly servedBy: { [C in Capability]?: Served<C>[] } = {};
  /** lower-cased alias → canonical name, per provider (and `*` for all). */
  private readonly toCanonical = new Map<string, Map<string, string>>();
  private readonly fromCanonical = new Map<string, Map<string, string>>();

  constructor(instances: ProviderInstance[], serviceAliases: GatewayConfig['serviceAliases'] = {}) {
    this.instances = instances;
    this.names = instances.map((i) => i.name);
    for (const instance of instances) {
      this.byName.set(instance.name, instance);
      for (const capability of instance.capabilities) {
        this.serve(capability, instance);
      }
    }
    for (const [canonical, perProvider] of Object.entries(serviceAliases)) {
      for (const [provider, aliases] of Object.entries(perProvider)) {
        const to = this.toCanonical.get(provider) ?? new Map<string, string>();
        for (const alias of aliases) to.set(alias.toLowerCase(), canonical);
        this.toCanonical.set(provider, to);
        const first = aliases[0];
        if (first !== undefined) {
          const from = this.fromCanonical.get(provider) ?? new Map<string, string>();
          from.set(canonical.toLowerCase(), first);
          this.fromCanonical.set(provider, from);
        }
      }
    }
  }

  private serve<C extends Capability>(capability: C, instance: ProviderInstance): void {
    const served: Served<C>[] = this.servedBy[capability] ?? [];
    served.push({ provider: instance.name, impl: instance.adapter.capabilities[capability] as CapabilityMap[C] });
    this.servedBy[capability] = served as (typeof this.servedBy)[C];
  }

  isConfigured(capability: Capability): boolean {
    return this.servedBy[capability] !== undefined;
  }

  /** The first provider configured for a capability: creates and joins by name go to it. */
  primary<C extends Capability>(capability: C): Served<C> {
    return this.providersOf(capability)[0] as Served<C>;
  }

  /** Every provider of a capability, in configured order; lists merge their records. */
  providersOf<C extends Capability>(capability: C): readonly Served<C>[] {
    const served = this.servedBy[capability];
    if (!served) throw capabilityNotConfigured(capability);
    return served;
  }

  /** The named provider, for re-fetching a record it issued. */
  serving<C extends Capability>(capability: C, provider: string): Served<C> {
    const instance = this.byName.get(provider);
    const impl = instance?.capabilities.includes(capability) ? instance.adapter.capabilities[capability] : undefined;
    if (!impl) {
      if (!this.isConfigured(capability)) throw capabilityNotConfigured(capability);
      throw gatewayError('NOT_FOUND', `provider ${JSON.stringify(provider)} does not serve ${capability} here`, {
        provider,
        capability,
      });
    }
    return { provider, impl: impl as CapabilityMap[C] };
  }

  /** The name a provider uses for a canonical service name. */
  serviceNameFor(provider: string, canonical: string): string {
    const key = canonical.toLowerCase();
    return this.fromCanonical.get(provider)?.get(key) ?? this.fromCanonical.get('*')?.get(key) ?? canonical;
  }

  /** The canonical name for a provider's own service name. */
  canonicalServiceName(provider: string, name: string): string {
    const key = name.toLowerCase();
    return this.toCanonical.get(provider)?.get(key) ?? this.toCanonical.get('*')?.get(key) ?? name;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.instances.map((i) => i.adapter.close?.()));
  }
}

export interface FactoryTable {
  [kind: string]: AdapterFactory;
}

/**
 * Builds every configured adapter. Secret providers come first, because other providers' config
 * may refer to secrets they hold.
 */
export async function buildRegistry(
  config: GatewayConfig,
  factories: FactoryTable,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
): Promise<AdapterRegistry> {
  const ordered = [...config.providers].sort(
    (a, b) => Number(!a.capabilities.includes('secret')) - Number(!b.capabilities.includes('secret')),
  );
  const instances: ProviderInstance[] = [];
  try {
    for (const provider of ordered) {
      const secretInstance = instances.find((i) => i.capabilities.includes('secret'));
      instances.push(await buildOne(provider, factories, logger, env, secretInstance?.adapter.capabilities.secret));
    }
  } catch (err) {
    await Promise.allSettled(instances.map((i) => i.adapter.close?.()));
    throw err;
  }
  const registry = new AdapterRegistry(
    config.providers.map((p) => instances.find((i) => i.name === p.name) as ProviderInstance),
    config.serviceAliases,
  );
  for (const instance of registry.instances) {
    logger.info(
      { provider: instance.name, kind: instance.kind, capabilities: instance.capabilities },
      'provider ready',
    );
  }
  return registry;
}

async function buildOne(
  provider: ProviderConfig,
  factories: FactoryTable,
  logger: Logger,
  env: Record<string, string | undefined>,
  secrets: CapabilityMap['secret'] | undefined,
): Promise<ProviderInstance> {
  const build = () => construct(provider, factories, logger, env, secrets);
  let adapter = await build();
  const missing = provider.capabilities.filter((c) => !adapter.capabilities[c]);
  if (missing.length) {
    await adapter.close?.();
    throw new ConfigError(`provider ${provider.name} (${provider.kind}) does not serve: ${missing.join(', ')}`);
  }
  const keys = secretKeysOf(provider.config);
  if (keys.length && secrets?.onChange) {
    adapter = rebuiltOnRotation(provider, adapter, keys, secrets.onChange.bind(secrets), build, logger);
  }
  return { name: provider.name, kind: adapter.kind, adapter, capabilities: provider.capabilities };
}

/**
 * Serves the provider through a stand-in that swaps in an adapter built from the new values when
 * one of its secrets rotates. Rebuilds run one at a time; a failed one keeps the previous adapter.
 */
function rebuiltOnRotation(
  provider: ProviderConfig,
  initial: Adapter,
  keys: string[],
  onChange: NonNullable<CapabilityMap['secret']['onChange']>,
  build: () => Promise<Adapter>,
  logger: Logger,
): Adapter {
  let queue = Promise.resolve();
  const unsubscribe = onChange((changed) => {
    const rotated = changed.filter((k) => keys.includes(k));
    if (!rotated.length) return;
    queue = queue.then(async () => {
      try {
        const next = await build();
        await stand.swap(next);
        logger.info({ provider: provider.name, secrets: rotated }, 'provider rebuilt with rotated secrets');
      } catch (err) {
        logger.warn(
          { provider: provider.name, secrets: rotated, err: (err as Error).message },
          'provider keeps its previous secrets: rebuilding it failed',
        );
      }
    });
  });
  const stand = swappable(initial, unsubscribe);
  return stand.adapter;
}

async function construct(
  provider: ProviderConfig,
  factories: FactoryTable,
  logger: Logger,
  env: Record<string, string | undefined>,
  secrets: CapabilityMap['secret'] | undefined,
): Promise<Adapter> {
  const factory = factories[provider.kind];
  if (!factory) {
    throw new ConfigError(
      `provider ${provider.name}: unknown provider kind ${JSON.stringify(provider.kind)} (known: ${Object.keys(factories).sort().join(', ')})`,
    );
  }
  const where = `provider ${provider.name} config`;
  const resolved = hasSecretRefs(provider.config)
    ? ((await resolveSecretRefs(provider.config, where, env, secrets)) as Record<string, unknown>)
    : provider.config;
  rememberSecrets(secretsIn(provider.config, resolved));
  const config = provider.plugin
    ? { ...resolved, path: provider.plugin, capabilities: provider.capabilities }
    : resolved;
  try {
    return await factory(config, { name: provider.name, logger: logger.child({ provider: provider.name }) });
  } catch (err) {
    throw new ConfigError(`provider ${provider.name} (${provider.kind}): ${(err as Error).message}`);
  }
}
