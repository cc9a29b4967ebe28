/**
 * The generated-code check run by `npm test`: it passes on this tree and names a stale, edited or
 * stray file of each output, the server's resolver types and the console kit's typed documents.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const COPIED = [
  'codegen.yml',
  'schema.graphql',
  'scripts/codegen-check.mjs',
  'src/generated',
  'examples/operations',
  'examples/apollo-client/generated',
];

let tree: string;

/** A copy of what codegen reads and writes, so a test can make it stale without touching the repo. */
function freshTree(): string {
  rmSync(tree, { recursive: true, force: true });
  for (const path of COPIED) cpSync(join(ROOT, path), join(tree, path), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  return tree;
}

function check(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['scripts/codegen-check.mjs'], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  tree = mkdtempSync(join(tmpdir(), 'codegen-check-'));
});

afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
});

describe('scripts/codegen-check.mjs', () => {
  it('passes on the generated code as checked in', () => {
    const { status, output } = check(freshTree());
    expect(output).toContain('generated code is up to date');
    expect(status).toBe(0);
  });

  it('names each stale output: typed documents of a changed operation, a stray file, edited resolver types', () => {
    const root = freshTree();
    appendFileSync(
      join(root, 'examples/operations/provider-health.graphql'),
      '\nquery Providers { providers { kind } }\n',
    );
    writeFileSync(join(root, 'examples/apollo-client/generated/extra.ts'), 'export {};\n');
    appendFileSync(join(root, 'src/generated/graphql.ts'), '// edited\n');
    const { status, output } = check(root);
    expect(output).toContain('stale generated code');
    expect(output).toContain('examples/apollo-client/generated/graphql.ts');
    expect(output).toContain('examples/apollo-client/generated/extra.ts');
    expect(output).toContain('src/generated/graphql.ts');
    expect(output).not.toContain('examples/apollo-client/generated/index.ts');
    expect(status).toBe(1);
  });
});
