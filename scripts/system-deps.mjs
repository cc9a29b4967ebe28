/**
 * The real servers the tests run against come from Debian packages. Installs what is missing when
 * run as root; otherwise stops at once with the exact command to run.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const SYSTEM_PACKAGES = [
  { pkg: 'redis-server', binary: 'redis-server' },
  { pkg: 'prometheus', binary: 'prometheus' },
  { pkg: 'prometheus-alertmanager', binary: 'prometheus-alertmanager' },
  { pkg: 'prometheus-pushgateway', binary: 'prometheus-pushgateway' },
  { pkg: 'chromium', binary: 'chromium' },
];

function has(binary) {
  return (
    spawnSync('sh', ['-c', `command -v ${binary} || test -x /usr/bin/${binary}`], { stdio: 'ignore' }).status === 0
  );
}

export function ensureSystemDeps() {
  const missing = SYSTEM_PACKAGES.filter((p) => !has(p.binary)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(
      `The tests need Debian packages that are not installed: ${missing.join(', ')}.\nRun as root:\n  ${command}`,
    );
    process.exit(1);
  }
  console.log(`installing ${missing.join(', ')} ...`);
  execFileSync('sh', ['-c', `export DEBIAN_FRONTEND=noninteractive; ${command}`], { stdio: 'inherit' });
  // Debian starts these as services on install; the tests run their own on free ports.
  for (const service of [
    'redis-server',
    'prometheus',
    'prometheus-alertmanager',
    'prometheus-pushgateway',
    'prometheus-node-exporter',
  ]) {
    spawnSync('sh', ['-c', `service ${service} stop`], { stdio: 'ignore' });
  }
}
