/**
 * Output line bounds of the plugin host, against a real plugin process through the whole gateway:
 * stdout without a newline (during a call, and with no call in flight) fails the call and restarts
 * the plugin while the gateway keeps serving; an overlong stderr line is logged cut, its secret
 * still redacted. And the framing itself, on a stream fed chunk by chunk.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitLines } from '../../../adapters/plugin/lines.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { gql } from '../../helpers/graphql.js';
import { FIXTURES, type PluginGateway, processExists, startPluginGateway, waitFor } from './plugin-gateway.js';

const PROVIDER = 'noisy';
const TOKEN = 'tok-8c2e-line-secret';
const MAX_STDOUT = 1024 * 1024;
const MAX_STDERR = 1000;
const QUERY = 'query($id: ID!) { incident(id: $id) { title fields } }';

interface IncidentData {
  incident: { title: string; fields: { pid: number } } | null;
}

describe('plugin host line bounds', () => {
  let plugin: PluginGateway;
  const incident = (id: string) =>
    gql<IncidentData>(plugin.gateway.url, QUERY, { id: toGlobalId('Incident', PROVIDER, id) });

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}noisy.mjs`,
      {
        apiToken: TOKEN,
        maxStdoutLineBytes: MAX_STDOUT,
        maxStderrLineBytes: MAX_STDERR,
        killGraceMs: 300,
        restartInitialMs: 20,
      },
      ['incident'],
      PROVIDER,
    );
  });
  afterAll(() => plugin.gateway.stop());

  it('fails a call whose answer never ends its line, restarts the plugin, and keeps serving', async () => {
    const before = plugin.pid();
    const spewed = await incident('spew');
    expect(spewed.data?.incident).toBeNull();
    expect(spewed.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: PROVIDER });
    expect(spewed.errors?.[0]?.message).toBe(
      `plugin ${PROVIDER} was restarted after writing a stdout line longer than ${MAX_STDOUT} bytes (maxStdoutLineBytes) while answering incident.get`,
    );

    const after = await incident('INC-1');
    expect(after.errors).toBeUndefined();
    expect(after.data?.incident?.fields.pid).not.toBe(before);
    expect(processExists(before)).toBe(false);
    const health = await fetch(plugin.gateway.url.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
  });

  it('restarts a plugin that writes an endless line while no call is in flight', async () => {
    const answered = await incident('answer-then-spew');
    expect(answered.errors).toBeUndefined();
    const spewer = answered.data?.incident?.fields.pid as number;
    await waitFor(
      () => !processExists(spewer) && plugin.adapter.host.pid !== undefined && plugin.adapter.host.pid !== spewer,
      'the spewing plugin to be replaced',
    );
    const after = await incident('INC-2');
    expect(after.errors).toBeUndefined();
    expect(after.data?.incident?.fields.pid).not.toBe(spewer);
    const overLimit = plugin.logs.filter((l) => l.msg === 'plugin stdout line over the limit');
    expect(overLimit.map((l) => l.obj)).toContainEqual({
      plugin: PROVIDER,
      pid: spewer,
      maxStdoutLineBytes: MAX_STDOUT,
    });
  });

  it('logs an overlong stderr line cut at the limit, redacting a secret the cut splits', async () => {
    const result = await incident(`long-stderr:${MAX_STDERR}`);
    expect(result.errors).toBeUndefined();
    await waitFor(
      () => plugin.logs.some((l) => (l.obj as { stderr?: string }).stderr === 'short line after the long one'),
      'the stderr line after the long one',
    );
    const cut = plugin.logs.find((l) => (l.obj as { truncatedAtBytes?: number }).truncatedAtBytes !== undefined);
    expect(cut?.obj).toMatchObject({
      plugin: PROVIDER,
      truncatedAtBytes: MAX_STDERR,
      stderr: `${'e'.repeat(MAX_STDERR - 4)}[redacted]`,
    });
    expect(JSON.stringify(plugin.logs)).not.toContain('tok-');
    // The plugin was not restarted for it: stderr is only a log.
    expect((await incident('INC-3')).data?.incident?.fields.pid).toBe(result.data?.incident?.fields.pid);
  });
});

describe('splitLines framing', () => {
  /** Feeds `chunks` to a real stream and collects what splitLines reports. */
  function frame(chunks: Buffer[], maxBytes = 1024): { lines: string[]; heads: string[] } {
    const stream = new PassThrough();
    const lines: string[] = [];
    const heads: string[] = [];
    splitLines(stream, maxBytes, { line: (l) => lines.push(l), overflow: (h) => heads.push(h) });
    for (const chunk of chunks) stream.emit('data', chunk);
    stream.emit('end');
    return { lines, heads };
  }
  const bytes = (text: string) => Buffer.from(text, 'utf8');

  it('reports whole lines within one chunk, without their CR, empty lines included', () => {
    expect(frame([bytes('{"a":1}\r\n\n{"b":2}\n')]).lines).toEqual(['{"a":1}', '', '{"b":2}']);
  });

  it('joins a line spread over chunks, a character cut between chunks included', () => {
    const line = bytes('{"title":"Zürich → São Paulo 🚨"}\n');
    // Every cut position, so each multi-byte character is split at each of its bytes once.
    for (let cut = 1; cut < line.length - 1; cut++) {
      const { lines } = frame([line.subarray(0, cut), line.subarray(cut, cut + 3), line.subarray(cut + 3)]);
      expect(lines).toEqual(['{"title":"Zürich → São Paulo 🚨"}']);
    }
  });

  it('reports a last line without a newline at the end of the stream', () => {
    expect(frame([bytes('one\ntw'), bytes('o')]).lines).toEqual(['one', 'two']);
  });

  it('cuts a line past the bound to its first maxBytes bytes, drops the rest, and goes on with the next line', () => {
    const { lines, heads } = frame([bytes('12345'), bytes('6789\nnext\n')], 8);
    expect(heads).toEqual(['12345678']);
    expect(lines).toEqual(['next']);
  });
});
