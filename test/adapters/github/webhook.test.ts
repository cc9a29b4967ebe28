/**
 * The GitHub adapter's webhook member: signatures (`X-Hub-Signature-256`) and the events a
 * `deployment_status` or `issues` delivery carries, with payloads shaped as GitHub's webhook
 * documentation shows them.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { createGitHubAdapter } from '../../../adapters/github/index.js';
import { deploymentStatusDelivery, issuePayload, signed } from '../../fakes/github/deliveries.js';
import { testLogger } from '../../helpers/gateway.js';

const SECRET = 'whsec-0123456789abcdef';
const OLD_SECRET = 'whsec-previous-secret-value';

async function adapter(): Promise<Adapter> {
  return createGitHubAdapter(
    { token: 'ghp_x', owner: 'acme', repo: 'checkout', webhookSecret: [SECRET, OLD_SECRET], service: 'checkout-api' },
    { name: 'github', logger: testLogger },
  );
}

describe('GitHub webhook', () => {
  it('accepts either secret, and nothing unsigned, re-signed or tampered with', async () => {
    const { webhook } = await adapter();
    const good = deploymentStatusDelivery(SECRET);
    expect(await webhook?.verify(good)).toBe(true);
    expect(await webhook?.verify(deploymentStatusDelivery(OLD_SECRET))).toBe(true);
    expect(await webhook?.verify(deploymentStatusDelivery('whsec-somebody-else-entirely'))).toBe(false);
    expect(await webhook?.verify({ ...good, headers: { ...good.headers, 'x-hub-signature-256': undefined } })).toBe(
      false,
    );
    expect(
      await webhook?.verify({ ...good, rawBody: Buffer.from(good.rawBody.toString().replace('failure', 'success')) }),
    ).toBe(false);
    expect(await webhook?.verify({ ...good, headers: { ...good.headers, 'x-hub-signature-256': 'sha256=zz' } })).toBe(
      false,
    );
  });

  it('turns a deployment status into activity on the service, with a stable entry ID', async () => {
    const { webhook } = await adapter();
    const events = await webhook?.events(deploymentStatusDelivery(SECRET));
    expect(events).toEqual([
      {
        type: 'activity',
        service: 'checkout-api',
        entry: {
          id: 'github:deployment_status:777001',
          kind: 'DEPLOYMENT',
          rawKind: 'deployment_status.failure',
          body: 'Deployment of v1.30.0 (1ec0ffe) to production: failure — Smoke tests failed',
          actor: 'deploy-bot',
          at: '2026-11-20T11:58:00.000Z',
          url: 'https://github.com/acme/checkout/actions/runs/42/job/1',
          fields: {
            deploymentId: 5030,
            environment: 'production',
            state: 'failure',
            sha: '1ec0ffee1234567890abcdef',
            ref: 'v1.30.0',
          },
        },
      },
    ]);
  });

  it('turns issue changes on incident-labelled issues into activity on those incidents, and ignores the rest', async () => {
    const { webhook } = await adapter();
    const [event] =
      (await webhook?.events(signed('issues', issuePayload(['bug', 'opsorch-incident-PINC42']), SECRET))) ?? [];
    expect(event).toMatchObject({
      type: 'activity',
      incidentIds: ['PINC42'],
      entry: {
        kind: 'OTHER',
        rawKind: 'issues.closed',
        body: 'Ticket checkout#12 closed (completed): Refund backlog',
        actor: 'alice',
        url: 'https://github.com/acme/checkout/issues/12',
      },
    });
    expect(await webhook?.events(signed('issues', issuePayload(['bug']), SECRET))).toEqual([]);
    expect(
      await webhook?.events(signed('issues', issuePayload(['opsorch-incident-PINC42'], 'edited'), SECRET)),
    ).toEqual([]);
    expect(await webhook?.events(signed('push', { ref: 'refs/heads/main' }, SECRET))).toEqual([]);
    expect(await webhook?.events(signed('ping', { zen: 'Keep it logically awesome.' }, SECRET))).toEqual([]);
  });

  it('rejects a body that is not the documented payload', async () => {
    const { webhook } = await adapter();
    expect(() => webhook?.events(signed('deployment_status', { action: 'created' }, SECRET))).toThrow(
      /unexpected payload: deployment_status/,
    );
    expect(() =>
      webhook?.events({ rawBody: Buffer.from('not json'), headers: { 'x-github-event': 'issues' } }),
    ).toThrow('the body is not JSON');
  });

  it('is absent without a webhook secret', async () => {
    const plain = await createGitHubAdapter(
      { token: 'ghp_x', owner: 'acme', repo: 'checkout' },
      { name: 'github', logger: testLogger },
    );
    expect(plain.webhook).toBeUndefined();
  });
});
