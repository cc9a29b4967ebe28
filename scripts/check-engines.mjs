/**
 * Keeps the install on the Node versions package.json promises: every package in
 * package-lock.json that declares `engines.node` must accept the oldest Node the gateway supports.
 * Upstream majors drop Node 20 all the time, and npm only warns; this makes it fail `npm test`.
 * `node scripts/check-engines.mjs [root]`; exits 1 and names every package that would refuse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const root = process.argv[2] ?? process.cwd();
const project = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

const supported = project.engines?.node;
const oldest = supported ? semver.minVersion(supported) : null;
if (!oldest) {
  console.error('package.json declares no engines.node to check against');
  process.exit(1);
}

const refusing = [];
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  const wanted = entry.engines?.node;
  if (!path || !wanted || semver.satisfies(oldest, wanted)) continue;
  refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${wanted} (${path})`);
}

if (refusing.length > 0) {
  console.error(`${refusing.length} installed package(s) refuse Node ${oldest}, the oldest in engines (${supported}):`);
  for (const line of refusing) console.error(`  ${line}`);
  console.error('pin an older version (package.json overrides) or raise engines.node');
  process.exit(1);
}
console.log(`engines ok: every installed package accepts Node ${oldest}`);
