/** Fails when src/generated is stale: regenerates into a temp copy and compares. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const target = 'src/generated/graphql.ts';
const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
try {
  const config = readFileSync('codegen.yml', 'utf8').replace(`${target}:`, `${join(dir, 'graphql.ts')}:`);
  writeFileSync(join(dir, 'codegen.yml'), config);
  execFileSync('npx', ['graphql-codegen', '--config', join(dir, 'codegen.yml')], { stdio: 'pipe' });
  const fresh = readFileSync(join(dir, 'graphql.ts'), 'utf8');
  if (fresh !== readFileSync(target, 'utf8')) {
    console.error(`${target} is stale: run \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
