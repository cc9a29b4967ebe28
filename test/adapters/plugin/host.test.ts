/**
 * The plugin host against real misbehaving plugin processes, through the whole gateway: crashes,
 * hangs, garbage on stdout, both error shapes, the bounded queue, stderr in the log, secrets kept
 * out of errors and logs, and no child left behind after shutdown.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { scavengesIn } from '../../helpers/gc-trace.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import { OPSORCH_BIN } from '../../helpers/opsorch.js';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/process.js';
import { FIXTURES, type PluginGateway, processExists, startPluginGateway, waitFor } from './plugin-gateway.js';

const TOKEN = 'tok-3f9a-very-secret';
const PROVIDER = 'flaky';
const QUERY =
  'query($id: ID!) { incident(id: $id) { title status rawStatus severity rawSeverity createdAt updatedAt fields } }';

interface IncidentData {
  incident: {
    title: string;
    status: string;
    rawStatus: string;
    severity: string;
    rawSeverity: string;
    createdAt: string;
    updatedAt: string | null;
    fields: { pid: number };
  } | null;
}

describe('plugin host with a misbehaving strict plugin', () => {
  let plugin: PluginGateway;
  const incident = (id: string) =>
    gql<IncidentData>(plugin.gateway.url, QUERY, { id: toGlobalId('Incident', PROVIDER, id) });

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}misbehaving.mjs`,
      { apiToken: TOKEN, timeoutMs: 1500, killGraceMs: 300, restartInitialMs: 20, ignoreSigterm: true },
      ['incident'],
      PROVIDER,
    );
  });
  afterAll(async () => {
    await plugin.gateway.stop();
  });

  it('normalizes a Go-style record and never sends the id field to a plugin that did not ask for it', async () => {
    await plugin.ready();
    const result = await incident('INC-1');
    expect(result.errors).toBeUndefined();
    expect(result.data?.incident).toMatchObject({
      title: 'incident INC-1',
      status: 'TRIGGERED',
      rawStatus: 'open',
      severity: 'HIGH',
      rawSeverity: 'sev2',
      createdAt: '2026-11-20T08:00:00.123Z',
      updatedAt: null,
    });
  });

  it("runs the plugin in the gateway's own session (its scheduler autogroup), as OpsOrch Core does", async () => {
    // /proc/<pid>/stat: the session ID is the fourth field after the command name.
    const session = (pid: number | 'self') =>
      readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[3] ?? 'none';
    expect(session(await plugin.ready())).toBe(session('self'));
  });

  it('fails the call of a plugin that crashes, logs its stderr tagged with the plugin, and restarts it', async () => {
    const before = plugin.pid();
    const crashed = await incident('crash');
    expect(crashed.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: PROVIDER });
    expect(crashed.errors?.[0]?.message).toContain('exited with code 3');

    expect(await plugin.ready(before)).not.toBe(before);
    const after = await incident('INC-2');
    expect(after.errors).toBeUndefined();
    expect(after.data?.incident?.fields.pid).not.toBe(before);
    expect(processExists(before)).toBe(false);
    plugin.pid();

    const stderr = plugin.logs.find(
      (l) => l.msg === 'plugin stderr' && (l.obj as { stderr: string }).stderr.startsWith('crashing'),
    );
    expect(stderr?.obj).toMatchObject({ plugin: PROVIDER, stderr: 'crashing on purpose with [redacted]' });
  });

  it('times out a hung call, kills the plugin even though it ignores SIGTERM, and serves the next call', async () => {
    const before = plugin.pid();
    const hung = await incident('hang');
    expect(hung.errors?.[0]?.extensions).toMatchObject({ code: 'TIMEOUT', provider: PROVIDER });
    expect(hung.errors?.[0]?.message).toContain('did not answer incident.get within 1500 ms');

    expect(await plugin.ready(before)).not.toBe(before);
    const after = await incident('INC-3');
    expect(after.errors).toBeUndefined();
    expect(after.data?.incident?.fields.pid).not.toBe(before);
    expect(processExists(before)).toBe(false);
    plugin.pid();
  });

  it('turns garbage on stdout into a clear error for the pending call and keeps serving', async () => {
    const before = plugin.pid();
    const garbage = await incident('garbage');
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: PROVIDER });
    expect(garbage.errors?.[0]?.message).toContain('not a protocol response (not JSON)');
    await plugin.ready(before);
    const after = await incident('INC-4');
    expect(after.errors).toBeUndefined();
    expect(after.data?.incident?.title).toBe('incident INC-4');
    plugin.pid();
  });

  it('maps a plain-string error to PROVIDER_ERROR naming the plugin', async () => {
    const result = await incident('string-error');
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_ERROR',
      provider: PROVIDER,
      capability: 'incident',
    });
    expect(result.errors?.[0]?.message).toBe(`plugin ${PROVIDER} failed incident.get: the upstream API is down`);
  });

  it('maps object errors by code: bad_request → BAD_USER_INPUT, not_found → NOT_FOUND', async () => {
    const bad = await incident('object-error');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: PROVIDER });
    expect(bad.errors?.[0]?.message).toBe('id is malformed');

    for (const id of ['missing', 'bare-not-found']) {
      const missing = await incident(id);
      expect(missing.data?.incident).toBeNull();
      expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: PROVIDER });
    }
  });

  it('keeps config secrets out of error messages and log lines', async () => {
    const result = await incident('leak');
    expect(result.errors?.[0]?.message).toBe(
      `plugin ${PROVIDER} failed incident.get: token [redacted] was rejected (unauthorized)`,
    );
    expect(JSON.stringify(plugin.logs)).not.toContain(TOKEN);
  });

  it('leaves no plugin process behind when the gateway stops', async () => {
    plugin.pid();
    expect(plugin.pids.size).toBeGreaterThanOrEqual(3);
    await plugin.gateway.stop();
    for (const pid of plugin.pids) expect(processExists(pid), `pid ${pid}`).toBe(false);
    const after = await plugin.adapter.capabilities.incident?.getMany(['INC-5'], {});
    expect(after?.[0]).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('shut down') });
  });
});

describe('plugin host queue bound', () => {
  let plugin: PluginGateway;

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}misbehaving.mjs`,
      { timeoutMs: 1500, maxQueue: 1, killGraceMs: 300, restartInitialMs: 20 },
      ['incident'],
      PROVIDER,
    );
  });
  afterAll(() => plugin.gateway.stop());

  it('rejects calls beyond maxQueue with RATE_LIMITED while one call is in flight and one waits', async () => {
    const results = await Promise.all(
      ['hang', 'hang-too', 'hang-as-well'].map((id) =>
        gql<IncidentData>(plugin.gateway.url, QUERY, { id: toGlobalId('Incident', PROVIDER, id) }),
      ),
    );
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code).sort();
    expect(codes).toEqual(['RATE_LIMITED', 'TIMEOUT', 'TIMEOUT']);
    const limited = results.find((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(limited?.errors?.[0]?.message).toContain('maxQueue 1');
    // The call in flight and the one waiting behind it each time out as what they were. The hung
    // plugin is killed when the first times out; if its exit is seen before the second's time-out
    // (a loaded machine), the second was last waiting for the restart, and says so.
    const messages = results.map((r) => r.errors?.[0]?.message ?? '');
    expect(messages.filter((m) => m.includes('did not answer incident.get within 1500 ms'))).toHaveLength(1);
    expect(
      messages.filter((m) =>
        /incident\.get timed out after 1500 ms waiting (behind other calls|for the plugin to restart)/.test(m),
      ),
    ).toHaveLength(1);
  });
});

describe('plugin host with a caller that gives up', () => {
  let plugin: PluginGateway;

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}misbehaving.mjs`,
      { timeoutMs: 1000, killGraceMs: 300, restartInitialMs: 20 },
      ['incident'],
      PROVIDER,
    );
  });
  afterAll(() => plugin.gateway.stop());

  it('fails an aborted call at once, as a whole (not an error per item, which the floor would count against the provider), and still restarts the plugin that hangs on it', async () => {
    const incidents = plugin.adapter.capabilities.incident;
    if (!incidents) throw new Error('incident capability missing');
    const before = await plugin.ready();
    const controller = new AbortController();
    const abandoned = incidents.getMany(['hang'], { signal: controller.signal });
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('cancelled') });
    // Only the time-out of the abandoned call frees the strict exchange: wait for the restart it causes.
    await waitFor(() => !processExists(before), 'the hung plugin to be killed');
    await plugin.ready(before);

    const result = await gql<IncidentData>(plugin.gateway.url, QUERY, {
      id: toGlobalId('Incident', PROVIDER, 'INC-9'),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.incident?.fields.pid).not.toBe(before);
  });
});

describe('plugin host with a wrapper script that does not exec its plugin', () => {
  let plugin: PluginGateway;
  const incident = (id: string) =>
    gql<IncidentData>(plugin.gateway.url, QUERY, { id: toGlobalId('Incident', PROVIDER, id) });

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}wrapped.sh`,
      { timeoutMs: 1000, killGraceMs: 300, restartInitialMs: 20, ignoreSigterm: true },
      ['incident'],
      PROVIDER,
    );
  });
  afterAll(() => plugin.gateway.stop());

  it('kills the hung plugin below the script along with it, restarts both and serves the next call', async () => {
    const wrapper = await plugin.ready();
    const first = await incident('INC-1');
    const hungPlugin = first.data?.incident?.fields.pid as number;
    expect(hungPlugin).not.toBe(wrapper);

    const hung = await incident('hang');
    expect(hung.errors?.[0]?.extensions).toMatchObject({ code: 'TIMEOUT', provider: PROVIDER });
    // The script dies of SIGTERM; the plugin, which ignores it, held the pipes until its SIGKILL.
    await plugin.ready(wrapper);
    const after = await incident('INC-2');
    expect(after.errors).toBeUndefined();
    expect(after.data?.incident?.fields.pid).not.toBe(hungPlugin);
    await waitFor(() => gone(hungPlugin), 'the hung plugin to be gone');
  });
});

/** Exited: no such process, or a zombie its new parent has not reaped yet. */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * What a call's answer leaves behind, through the real gateway as `npm start` runs it over OpsOrch's
 * log plugin: V8's own trace of every scavenge (`--trace-gc-nvp`, a young generation of 1 MB so
 * that a few hundred queries make dozens of scavenges) counts the bytes promoted to the old
 * generation while log queries are answered one at a time. A log answer (50 entries with their
 * `fields` and `metadata`, about 45 KB parsed) is garbage once normalized; with the call holding a
 * closure that removed its abort listener, each one survived the next scavenge and was promoted.
 */
describe('a plugin answer once its call is answered', () => {
  const TRACE = ['--trace-gc-nvp', '--max-semi-space-size=1'];
  const LOGS = `{ logs(query: { start: "${new Date(Date.now() - 3_600_000).toISOString()}", end: "${new Date().toISOString()}", limit: 50 }) { entries { message } } }`;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess(
      { OPSORCH_MOCK_LIVE: 'false', NODE_ENV: 'production', OPSORCH_LOG_PLUGIN: `${OPSORCH_BIN}/logplugin` },
      TRACE,
    );
  });
  afterAll(() => gateway.stop());

  it('is not promoted to the old generation', { timeout: 120_000 }, async () => {
    const queries = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const data = await gqlData<{ logs: { entries: unknown[] } }>(gateway.url, LOGS);
        expect(data.logs.entries.length).toBeGreaterThan(0);
      }
    };
    // Past start-up and the compilers' first tiers, whose own allocations are long-lived.
    await queries(400);
    const from = gateway.logs.length;
    const measured = 400;
    await queries(measured);
    const { count: scavenges, promoted } = scavengesIn(gateway.logs.slice(from));
    expect(scavenges).toBeGreaterThan(20);
    expect(promoted / measured).toBeLessThan(15_000);
  });
});
