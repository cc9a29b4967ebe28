/**
 * The logging rate of a plugin's stderr, against a real plugin process through the whole gateway:
 * a flood of lines logs only the allowed number, and the rest are counted and reported when the
 * process exits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { gql } from '../../helpers/graphql.js';
import { FIXTURES, type PluginGateway, startPluginGateway, waitFor } from './plugin-gateway.js';

const PROVIDER = 'noisy';
const LINES = 10;
// Longer than any test run: the whole flood falls in one window, whatever the machine's load.
const WINDOW_MS = 3_600_000;
const QUERY = 'query($id: ID!) { incident(id: $id) { title } }';

describe('plugin stderr logging rate', () => {
  let plugin: PluginGateway;
  const incident = (id: string) => gql(plugin.gateway.url, QUERY, { id: toGlobalId('Incident', PROVIDER, id) });

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}noisy.mjs`,
      { stderrLogLines: LINES, stderrLogWindowMs: WINDOW_MS, restartInitialMs: 20 },
      ['incident'],
      PROVIDER,
    );
  });
  afterAll(() => plugin.gateway.stop());

  it('logs the first lines of a 5,000-line flood, then counts the rest and reports them at exit', async () => {
    const pid = plugin.pid();
    expect((await incident('flood:5000')).errors).toBeUndefined();
    const exited = await incident('exit');
    expect(exited.errors?.[0]?.message).toContain('exited with code 4');
    const summary = () =>
      plugin.logs.find((l) => l.msg === 'plugin stderr lines over the logging rate were not logged');
    await waitFor(() => summary() !== undefined, 'the suppressed-lines summary');

    const logged = plugin.logs
      .filter((l) => l.msg === 'plugin stderr')
      .map((l) => (l.obj as { stderr: string }).stderr);
    expect(logged).toEqual(Array.from({ length: LINES }, (_, i) => `flood line ${i}`));
    expect(plugin.logs.filter((l) => l.msg?.startsWith('plugin stderr reached its logging rate'))).toHaveLength(1);
    // 4,990 flood lines and the exit message.
    expect(summary()?.obj).toEqual({
      plugin: PROVIDER,
      pid,
      suppressedLines: 4_991,
      maxLines: LINES,
      windowMs: WINDOW_MS,
    });
  });
});
