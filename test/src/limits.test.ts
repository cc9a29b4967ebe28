import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, LIMITS, limitsFromEnv } from '../../src/limits.js';

describe('limits', () => {
  it('are each documented in the README with their variable, default and code', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const limit of Object.values(LIMITS)) {
      const row = readme.split('\n').find((line) => line.includes(`| \`${limit.variable}\` |`));
      expect(row, limit.variable).toBeDefined();
      expect(row).toContain(`| \`${limit.default}\` |`);
      if (/^[A-Z_]+$/.test(limit.code)) expect(row).toContain(`\`${limit.code}\``);
    }
  });

  it('are read from their variables, and a bad value names the variable', () => {
    expect(limitsFromEnv({ OPSORCH_MAX_COST: '500' })).toEqual({ ...DEFAULT_LIMITS, maxCost: 500 });
    expect(() => limitsFromEnv({ OPSORCH_MAX_ALIASES: 'many' })).toThrow(
      'OPSORCH_MAX_ALIASES="many" must be a whole number >= 1',
    );
    expect(() => limitsFromEnv({ OPSORCH_MAX_TOKENS: '0' })).toThrow(
      'OPSORCH_MAX_TOKENS="0" must be a whole number >= 1',
    );
  });
});
