/**
 * Webhook variables from before webhooks moved into adapters (`OPSORCH_WEBHOOK_*`), applied to the
 * config of the adapters that now own them. Which variable belongs to which kind is the adapters'
 * knowledge (`adapters/index.ts`); this applies any such table. Secret values are checked for
 * shape only and never appear in an error.
 */
import type { LegacyWebhookSetting } from '../../adapters/contract/index.js';
import { rememberSecrets } from '../redaction.js';
import type { ProviderConfig } from './config.js';

type Env = Record<string, string | undefined>;

function parseSecrets(env: Env, variable: string, fail: (message: string) => Error): string[] {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return [];
  const secrets = raw.split(',').map((s) => s.trim());
  secrets.forEach((secret, i) => {
    if (secret.length < 16)
      throw fail(`${variable}: value ${i + 1} of ${secrets.length} is shorter than 16 characters`);
  });
  return secrets;
}

/**
 * Every instance of a setting's kind whose config lacks its key gets the variable's secrets; with
 * no instance of the kind, a webhook-only instance is added when the setting names one.
 */
export function applyLegacyWebhookSettings(
  providers: ProviderConfig[],
  env: Env,
  settings: Readonly<Record<string, LegacyWebhookSetting>>,
  fail: (message: string) => Error,
): ProviderConfig[] {
  const out = providers.map((p) => ({ ...p }));
  for (const [kind, setting] of Object.entries(settings)) {
    const secrets = parseSecrets(env, setting.variable, fail);
    if (secrets.length === 0) continue;
    if (setting.single && secrets.length > 1) throw fail(`${setting.variable} must be one token, without commas`);
    rememberSecrets(secrets);
    const value = setting.single ? secrets[0] : secrets;
    const ofKind = out.filter((p) => p.kind === kind);
    for (const provider of ofKind) {
      if (!(setting.configKey in provider.config)) provider.config = { ...provider.config, [setting.configKey]: value };
    }
    const name = setting.webhookOnlyInstance;
    if (ofKind.length > 0 || name === undefined) continue;
    if (out.some((p) => p.name === name)) {
      throw fail(`${setting.variable} starts a provider named ${JSON.stringify(name)}, but that name is taken`);
    }
    out.push({ name, kind, capabilities: [], config: { [setting.configKey]: value } });
  }
  return out;
}
