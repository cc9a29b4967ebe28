/**
 * The servePlugin helper, through the TypeScript example plugin as a real process: it announces
 * its extensions first, answers requests without an `id` strictly in order (as an OpsOrch Core
 * host needs), echoes `id`s, maps thrown errors to protocol errors, and exits when stdin ends.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const PLUGIN = new URL('../../../examples/plugins/typescript/run.sh', import.meta.url).pathname;

async function exchange(lines: string[]): Promise<{ answers: Record<string, unknown>[]; code: number | null }> {
  const child = spawn(PLUGIN, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => answers.push(JSON.parse(line)));
  child.stdin.end(`${lines.join('\n')}\n`);
  // 'close', not 'exit': the exit can be told before the last answers are read.
  const [code] = (await once(child, 'close')) as [number | null];
  return { answers, code };
}

const request = (method: string, payload: unknown, id?: string) =>
  JSON.stringify({ method, config: { baseUrl: 'https://deploy.acme.test' }, payload, ...(id ? { id } : {}) });

describe('servePlugin', () => {
  it('announces, answers in order without ids, echoes ids, maps errors and exits at end of input', async () => {
    const { answers, code } = await exchange([
      request('team.get', { id: 'payments' }),
      request('team.members', { teamID: 'nobody' }),
      request('deployment.query', { statuses: ['failed'], limit: 5 }, 'q-7'),
      request('no.such.method', {}),
      '{ not json',
      request('health', {}),
    ]);
    expect(code).toBe(0);
    expect(answers[0]).toEqual({ opsorch: { protocol: 1, extensions: ['id', 'health'] } });
    const ordered = answers.slice(1).filter((a) => !('id' in a));
    expect(ordered).toEqual([
      {
        result: {
          id: 'payments',
          name: 'Payments',
          tags: { focus: 'checkout' },
          metadata: { description: 'Checkout and card processing' },
          url: 'https://deploy.acme.test/teams/payments',
        },
      },
      { error: { code: 'not_found', message: 'team "nobody" not found' } },
      { error: { code: 'unknown_method', message: 'unknown method no.such.method' } },
      { error: { code: 'bad_request', message: 'request is not JSON' } },
      { result: { status: 'ok' } },
    ]);
    const withId = answers.find((a) => a.id === 'q-7');
    expect(withId?.result).toEqual([expect.objectContaining({ id: 'dep-7', status: 'failed' })]);
  });
});
