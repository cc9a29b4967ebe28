import { badInput, notFound, type SecretCapability } from '../../contract/index.js';
import type { OpsContext } from '../ops/context.js';

/** Values never appear in errors: only the key does. */
export function secretCapability({ world }: OpsContext): SecretCapability {
  return {
    get: async (key) => {
      const value = world.secrets.get(key);
      if (value === undefined) throw notFound('secret', key);
      return value;
    },
    put: async (key, value) => {
      if (key.trim().length === 0) throw badInput('secret key must not be blank');
      world.secrets.set(key, value);
    },
  };
}
