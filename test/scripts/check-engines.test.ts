/** The engines check run by `npm test`: it passes on this install and names each package that refuses Node 20. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/check-engines.mjs', import.meta.url).pathname;

function check(root?: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, ...(root ? [root] : [])], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let project: string | undefined;

function projectWith(
  engines: string | undefined,
  packages: Record<string, { version: string; node?: string }>,
): string {
  project = mkdtempSync(join(tmpdir(), 'engines-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'x', ...(engines ? { engines: { node: engines } } : {}) }),
  );
  const entries: Record<string, unknown> = { '': { name: 'x' } };
  for (const [path, { version, node }] of Object.entries(packages)) {
    entries[path] = { version, ...(node ? { engines: { node } } : {}) };
  }
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: entries }));
  return project;
}

afterEach(() => {
  if (project) rmSync(project, { recursive: true, force: true });
  project = undefined;
});

describe('scripts/check-engines.mjs', () => {
  it('passes on the gateway as installed', () => {
    const { status, output } = check();
    expect(output).toContain('engines ok');
    expect(status).toBe(0);
  });

  it('fails on every package, hoisted or nested, that refuses the oldest supported Node', () => {
    const root = projectWith('>=20.19.0 <21 || >=22.12.0', {
      'node_modules/fine': { version: '1.0.0', node: '>=18' },
      'node_modules/silent': { version: '1.0.0' },
      'node_modules/content-type': { version: '3.1.1', node: '>=22' },
      'node_modules/a/node_modules/@whatwg-node/fetch': { version: '0.12.1', node: '>=22.15.0' },
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain('2 installed package(s) refuse Node 20.19.0');
    expect(output).toContain('content-type@3.1.1 wants node >=22');
    expect(output).toContain(
      '@whatwg-node/fetch@0.12.1 wants node >=22.15.0 (node_modules/a/node_modules/@whatwg-node/fetch)',
    );
    expect(output).not.toContain('fine@');
  });

  it('takes the oldest version the project promises, not the Node running the check', () => {
    const root = projectWith('>=20.18.1 <21 || >=22', {
      'node_modules/vite': { version: '7.3.8', node: '^20.19.0 || >=22.12.0' },
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain('refuse Node 20.18.1');
  });

  it('fails when the project promises no Node version', () => {
    const { status, output } = check(projectWith(undefined, {}));
    expect(status).toBe(1);
    expect(output).toContain('no engines.node');
  });
});
