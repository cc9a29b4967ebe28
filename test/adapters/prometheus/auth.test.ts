/**
 * A real Prometheus behind TLS (a private CA made for the test) and basic auth, through the
 * gateway: the right credentials and CA work; wrong ones fail with a stable code, and the
 * password never shows up in a response, not even when Prometheus echoes it back.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusAdapter } from '../../../adapters/prometheus/index.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';
import { type RealServer, startPrometheus } from '../../helpers/prometheus.js';
import { makeCertificates, type TestCertificates } from '../../helpers/tls.js';

const USER = 'gateway';
const PASSWORD = 's3cr3t-Passw0rd-7731';
/** bcrypt (cost 10) of PASSWORD: Prometheus's web config only accepts bcrypt hashes. */
const PASSWORD_HASH = '$2b$10$U6uXjYq4sCKIVjEdXKbybO/HOTH2f4PTlOFlO./8vqzQPmqi3sCte';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

let certs: TestCertificates;
let prometheus: RealServer;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  certs = makeCertificates(['IP:127.0.0.1']);
  await writeFile(
    join(certs.dir, 'web.yml'),
    `tls_server_config:\n  cert_file: ${certs.certFile}\n  key_file: ${certs.keyFile}\nbasic_auth_users:\n  ${USER}: '${PASSWORD_HASH}'\n`,
  );
  const trusted = new Agent({ connect: { ca: certs.ca } });
  prometheus = await startPrometheus([], {
    webConfig: join(certs.dir, 'web.yml'),
    scheme: 'https',
    probe: async (url) =>
      (await undiciFetch(`${url}/-/ready`, { dispatcher: trusted, headers: { authorization: `Basic ${BASIC}` } })).ok,
  });
  await trusted.close();
});

afterAll(async () => {
  for (const g of gateways) await g.stop();
  await prometheus?.stop();
  certs?.cleanup();
});

async function gatewayWith(config: Record<string, unknown>): Promise<TestGateway> {
  const adapter = await createPrometheusAdapter(
    { url: prometheus.url, ...config },
    { name: 'prometheus', logger: testLogger },
  );
  const gateway = await startTestGateway([{ name: 'prometheus', adapter }]);
  gateways.push(gateway);
  return gateway;
}

const QUERY = `query($q: MetricQueryInput!) { metrics(query: $q) { name points { value } } }`;
const now = Date.now();
const window = { start: new Date(now - 60_000).toISOString(), end: new Date(now).toISOString(), step: 15 };

function expectNoSecret(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(BASIC);
}

describe('Prometheus with TLS from a private CA and basic auth', () => {
  it('answers with the right credentials and CA, and reports healthy', async () => {
    const gateway = await gatewayWith({ username: USER, password: PASSWORD, caFile: certs.caFile });
    const result = await gql<{ metrics: { name: string; points: { value: number }[] }[] }>(gateway.url, QUERY, {
      q: { ...window, expression: 'vector(7)' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.metrics[0]?.points.every((p) => p.value === 7)).toBe(true);
    const health = await gql(gateway.url, '{ providers { provider health { status } } }');
    expect(health.data).toEqual({ providers: [{ provider: 'prometheus', health: { status: 'HEALTHY' } }] });
  });

  it('fails with UNAUTHENTICATED on a wrong password, without echoing it', async () => {
    const gateway = await gatewayWith({ username: USER, password: `${PASSWORD}-wrong`, caFile: certs.caFile });
    const result = await gql(gateway.url, QUERY, { q: { ...window, expression: 'vector(1)' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', provider: 'prometheus' });
    expectNoSecret(result);
    const health = await gql<{ providers: { health: { status: string; message: string } }[] }>(
      gateway.url,
      '{ providers { health { status message } } }',
    );
    expect(health.data?.providers[0]?.health.status).toBe('DOWN');
    expectNoSecret(health);
  });

  it('refuses a server certificate it cannot verify when no CA is configured', async () => {
    const gateway = await gatewayWith({ username: USER, password: PASSWORD });
    const result = await gql(gateway.url, QUERY, { q: { ...window, expression: 'vector(1)' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('PROVIDER_ERROR');
    expect(result.errors?.[0]?.message).toMatch(/cannot be reached/);
    expectNoSecret(result);
  });

  it('redacts the password when Prometheus echoes it in a query error', async () => {
    const gateway = await gatewayWith({ username: USER, password: PASSWORD, caFile: certs.caFile });
    // An invalid regex makes Prometheus quote it back in the error.
    const expression = `label_replace(vector(1), "x", "$1", "y", "(${PASSWORD}")`;
    const echoed = await gql(gateway.url, QUERY, { q: { ...window, expression } });
    const error = echoed.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/regular expression.*\[redacted\]/);
    expectNoSecret(echoed);
  });
});

describe('Prometheus config validation', () => {
  const build = (config: Record<string, unknown>) =>
    Promise.resolve().then(() => createPrometheusAdapter(config, { name: 'prometheus', logger: testLogger }));

  it('names the bad key and never the secret', async () => {
    await expect(build({})).rejects.toThrow(/^url: /);
    await expect(build({ url: 'ftp://prometheus' })).rejects.toThrow(/url: must be an http/);
    await expect(build({ url: `http://${USER}:${PASSWORD}@prometheus` })).rejects.toThrow(
      /url: must not embed credentials/,
    );
    await expect(build({ url: 'http://p', username: USER })).rejects.toThrow(/^password: /);
    await expect(build({ url: 'http://p', caFile: '/nonexistent/ca.pem' })).rejects.toThrow(/^caFile: cannot read/);
    await expect(build({ url: 'http://p', serviceLabel: 'service-name' })).rejects.toThrow(/serviceLabel/);
    await expect(build({ url: 'http://p', tokken: 'x' })).rejects.toThrow(/tokken/);
    const error = await build({ url: `http://${USER}:${PASSWORD}@prometheus`, password: 12 }).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(PASSWORD);
  });
});
