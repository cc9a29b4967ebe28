/**
 * Vault adapter config: where Vault is, how to log in (a token, or AppRole's role and secret IDs)
 * and which KV v2 mount holds the secrets. Errors name the key and never echo a value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const schema = z
  .object({
    /** Vault's address, as in `VAULT_ADDR`. */
    address: z.url({ protocol: /^https?$/ }),
    /** A Vault token (`hvs.…`); renewed while it is renewable. Not together with AppRole. */
    token: z.string().min(1).optional(),
    /** AppRole login: both IDs, or neither. */
    roleId: z.string().min(1).optional(),
    secretId: z.string().min(1).optional(),
    /** Where the AppRole auth method is mounted. */
    approleMount: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be a mount path such as approle')
      .default('approle'),
    /** The KV version 2 secrets engine's mount. */
    mount: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be a mount path such as secret')
      .default('secret'),
    /** Vault Enterprise / HCP namespace, sent as `X-Vault-Namespace`. */
    namespace: z.string().min(1).optional(),
    /** PEM file of a private CA to trust for `https://`. */
    caFile: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
    /**
     * How often the secrets read so far are read again to notice a rotation; 0 turns it off. A
     * secret Vault hands out with a lease is read again when the lease runs out, if that is sooner.
     */
    refreshIntervalMs: z
      .number()
      .int()
      .refine((v) => v === 0 || v >= 100, 'must be 0 (off) or at least 100')
      .default(60_000),
    /** At most this many distinct secrets are watched for rotation. */
    maxWatchedSecrets: z.number().int().positive().max(10_000).default(256),
  })
  .superRefine((c, ctx) => {
    const approle = c.roleId !== undefined || c.secretId !== undefined;
    if (approle && (!c.roleId || !c.secretId)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.roleId ? 'secretId' : 'roleId'],
        message: 'AppRole needs both roleId and secretId',
      });
    }
    if (approle && c.token)
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'use either token or roleId/secretId, not both' });
    if (!approle && !c.token)
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'is required (or roleId and secretId for AppRole)' });
  });

export type VaultConfig = z.infer<typeof schema> & { ca?: string };

export function parseVaultConfig(raw: Record<string, unknown>): VaultConfig {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; '),
    );
  }
  const config: VaultConfig = result.data;
  if (config.caFile) {
    try {
      config.ca = readFileSync(config.caFile, 'utf8');
    } catch (err) {
      throw new Error(`caFile: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return config;
}
