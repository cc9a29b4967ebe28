/**
 * Keeps the layers honest (see README, Architecture): only the data floor (`src/data`) calls
 * provider adapters or asks the registry who serves what, and adapters never know GraphQL or the
 * gateway. Exits 1 and names every offending line; `node scripts/check-layers.mjs [root]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = process.argv[2] ?? process.cwd();

/** Folders whose code must go through the floor. */
const GATEWAY = ['src', 'resolvers'];
/** Where the registry is built and provider instances live: the floor and the provider layer. */
const MAY_CALL_ADAPTERS = ['src/data/', 'src/providers/'];
/** The composition root builds the registry and hands it to the floor. */
const MAY_IMPORT_REGISTRY = [...MAY_CALL_ADAPTERS, 'src/main.ts'];

const CAPABILITY = 'incident|alert|log|metric|ticket|messaging|service|deployment|team|orchestration|secret';
/** Ways code reaches an adapter's capability: a registry lookup, `.impl`, or `adapter.capabilities.x`. */
const ADAPTER_CALLS = [
  /\bregistry\s*\.\s*(serving|primary|providersOf|instances)\b/,
  /\.\s*impl\s*\.\s*\w+\s*\(/,
  new RegExp(`\\.capabilities\\s*(\\.\\s*(${CAPABILITY})\\b|\\[)`),
];

function files(dir) {
  let out = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'generated' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(files(path));
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Module specifiers with the line they are on; `type` is true for type-only imports. */
function imports(text) {
  const found = [];
  const pattern =
    /\b(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const line = text.slice(0, match.index).split('\n').length;
    found.push({ type: Boolean(match[1]), specifier: match[2] ?? match[3], line });
  }
  return found;
}

const problems = [];
const report = (file, line, message) => problems.push(`${file}:${line}: ${message}`);
const posix = (path) => relative(root, path).split(sep).join('/');

for (const path of GATEWAY.flatMap((dir) => files(join(root, dir)))) {
  const file = posix(path);
  const text = readFileSync(path, 'utf8');
  const floor = MAY_CALL_ADAPTERS.some((prefix) => file.startsWith(prefix));
  if (!MAY_IMPORT_REGISTRY.some((prefix) => file.startsWith(prefix))) {
    for (const { type, specifier, line } of imports(text)) {
      if (/(^|\/)providers\/registry(\.js|\.ts)?$/.test(specifier) && !type) {
        report(file, line, `imports the provider registry (${specifier}); go through the data floor (ctx.data)`);
      }
    }
  }
  if (floor) continue;
  text.split('\n').forEach((content, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(content)) return;
    for (const pattern of ADAPTER_CALLS) {
      if (pattern.test(content))
        report(file, i + 1, `calls a provider adapter outside the data floor: ${content.trim()}`);
    }
  });
}

for (const path of files(join(root, 'adapters'))) {
  const file = posix(path);
  for (const { specifier, line } of imports(readFileSync(path, 'utf8'))) {
    if (specifier === 'graphql' || specifier.startsWith('graphql/') || specifier.startsWith('@graphql-')) {
      report(file, line, `adapters never know GraphQL, but this imports ${specifier}`);
    }
    if (specifier.startsWith('.') && posix(join(path, '..', specifier)).startsWith('src/')) {
      report(file, line, `adapters never import the gateway (src/), but this imports ${specifier}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`layer check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('layers ok: only src/data calls adapters; adapters know neither GraphQL nor src/');
