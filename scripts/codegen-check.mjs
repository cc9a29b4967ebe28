/**
 * Fails when generated code is stale: regenerates every output of codegen.yml into a temp copy and
 * compares it, file by file, with what is checked in.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every output in codegen.yml: the server's resolver types and the console kit's typed documents. */
const targets = ['src/generated/graphql.ts', 'examples/apollo-client/generated/'];
const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
const fresh = (target, index) => join(dir, `${index}`, target.endsWith('/') ? '' : 'out.ts');
try {
  let config = readFileSync('codegen.yml', 'utf8');
  targets.forEach((target, index) => {
    if (!config.includes(`${target}:`)) throw new Error(`codegen.yml has no output ${target}`);
    const output = fresh(target, index);
    config = config.replace(`${target}:`, `${target.endsWith('/') ? `${output}/` : output}:`);
  });
  writeFileSync(join(dir, 'codegen.yml'), config);
  execFileSync('npx', ['graphql-codegen', '--config', join(dir, 'codegen.yml')], { stdio: 'pipe' });
  const stale = targets.flatMap((target, index) => {
    const pairs = target.endsWith('/')
      ? [...new Set([...listing(target), ...listing(fresh(target, index))])].map((file) => [
          join(target, file),
          join(fresh(target, index), file),
        ])
      : [[target, fresh(target, index)]];
    return pairs.filter(([checkedIn, generated]) => read(checkedIn) !== read(generated)).map(([file]) => file);
  });
  if (stale.length > 0) {
    console.error(`stale generated code: ${stale.join(', ')}. Run \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`generated code is up to date: ${targets.join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function listing(folder) {
  return existsSync(folder) ? readdirSync(folder) : [];
}

function read(file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
