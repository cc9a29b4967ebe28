/** A private CA and a server certificate it signed, made with openssl for one test file. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** The directory holding every file below; gone after `cleanup()`. */
  dir: string;
  /** The CA certificate (PEM) and the file holding it. */
  ca: string;
  caFile: string;
  /** The server's private key and certificate (PEM), and the files holding them. */
  key: string;
  keyFile: string;
  cert: string;
  certFile: string;
  cleanup(): void;
}

/** `altNames` as openssl writes them: `IP:127.0.0.1`, `DNS:api.example.com`. */
export function makeCertificates(altNames: string[] = ['IP:127.0.0.1']): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'opsorch-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=OpsOrch test CA',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=test');
  writeFileSync(join(dir, 'san.ext'), `subjectAltName=${altNames.join(',')}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    ca: read('ca.pem'),
    caFile: join(dir, 'ca.pem'),
    key: read('server.key'),
    keyFile: join(dir, 'server.key'),
    cert: read('server.pem'),
    certFile: join(dir, 'server.pem'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
