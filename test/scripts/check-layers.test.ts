/** The layer check run by `npm test`: it passes on this tree and names each kind of violation. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/check-layers.mjs', import.meta.url).pathname;

function check(root?: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, ...(root ? [root] : [])], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let tree: string | undefined;

function treeWith(files: Record<string, string>): string {
  tree = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  return tree;
}

afterEach(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
  tree = undefined;
});

describe('scripts/check-layers.mjs', () => {
  it('passes on the gateway as it is', () => {
    const { status, output } = check();
    expect(output).toContain('layers ok');
    expect(status).toBe(0);
  });

  it('passes a floor that calls adapters and a resolver that calls the floor', () => {
    const root = treeWith({
      'src/data/capabilities/incidents.ts': `import { AdapterRegistry } from '../../providers/registry.js';\nconst { impl } = registry.serving('incident', p);\nawait impl.update(id, input, ctx);\n`,
      'resolvers/incidents.ts': `import type { AdapterRegistry } from '../src/providers/registry.js';\nawait ctx.data.incidents.update(p, id, input);\n`,
      'adapters/mock/index.ts': `import type { Adapter } from '../contract/index.js';\n`,
    });
    expect(check(root).status).toBe(0);
  });

  it('fails on registry imports, registry lookups and adapter calls outside the floor', () => {
    const root = treeWith({
      'resolvers/tickets.ts': `import { AdapterRegistry } from '../src/providers/registry.js';\n`,
      'src/events/webhook.ts': `const { impl } = deps.registry.serving('incident', provider);\n`,
      'src/events/poller.ts': `const rows = await found.impl.timelines([id], ctx);\n`,
      'src/http/bridge.ts': `instance.adapter.capabilities.incident?.getMany(ids, ctx);\n`,
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain('resolvers/tickets.ts:1: imports the provider registry');
    expect(output).toContain('src/events/webhook.ts:1: calls a provider adapter outside the data floor');
    expect(output).toContain('src/events/poller.ts:1: calls a provider adapter outside the data floor');
    expect(output).toContain('src/http/bridge.ts:1: calls a provider adapter outside the data floor');
  });

  it('fails when an adapter imports GraphQL or the gateway', () => {
    const root = treeWith({
      'adapters/jira/map.ts': `import { GraphQLError } from 'graphql';\nimport { toGlobalId } from '../../src/graphql/ids.js';\n`,
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain('adapters/jira/map.ts:1: adapters never know GraphQL');
    expect(output).toContain('adapters/jira/map.ts:2: adapters never import the gateway (src/)');
  });
});
