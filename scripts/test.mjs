/**
 * `npm test`: brings the system packages the tests need, checks that generated code is fresh,
 * type-checks, lints, builds, runs every vitest suite, and ends with one `N passed, N failed` line.
 * Extra arguments go to vitest (e.g. `npm test -- test/src/http/server`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { ensureSystemDeps } from './system-deps.mjs';

ensureSystemDeps();

const args = process.argv.slice(2);
let passed = 0;
let failed = 0;

function check(name, command, commandArgs) {
  console.log(`\n> ${name}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
  if (result.status === 0) passed += 1;
  else {
    failed += 1;
    console.error(`${name} failed`);
  }
}

if (args.length === 0) {
  check('codegen is up to date', 'node', ['scripts/codegen-check.mjs']);
  check('layers: only the data floor calls adapters', 'node', ['scripts/check-layers.mjs']);
  check('engines: every installed package runs on Node 20', 'node', ['scripts/check-engines.mjs']);
  check('typecheck', 'npx', ['tsc', '--noEmit']);
  check('lint and format', 'npx', ['biome', 'ci', '.']);
  check('production build (what npm start runs)', 'npm', ['run', 'build', '--silent']);
}

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
console.log('\n> vitest');
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
  {
    stdio: 'inherit',
  },
);
try {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed += summary.numPassedTests;
  failed += summary.numFailedTests;
  // A suite that fails to load has no failed test of its own, but it failed all the same.
  failed += summary.testResults.filter(
    (suite) => suite.status === 'failed' && !suite.assertionResults.some((t) => t.status === 'failed'),
  ).length;
  if (summary.numTotalTests === 0) failed += 1;
} catch {
  failed += 1;
}
if (vitest.status !== 0 && failed === 0) failed += 1;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
