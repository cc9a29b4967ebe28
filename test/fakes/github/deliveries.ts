/** Webhook deliveries as GitHub sends them: the documented payload, signed with a secret. */
import { createHmac } from 'node:crypto';
import type { WebhookDelivery } from '../../../adapters/contract/index.js';

export function deploymentStatusDelivery(
  secret: string,
  overrides: { id?: number; state?: string } = {},
): WebhookDelivery {
  const body = {
    action: 'created',
    deployment_status: {
      id: overrides.id ?? 777001,
      state: overrides.state ?? 'failure',
      description: 'Smoke tests failed',
      environment: 'production',
      target_url: 'https://github.com/acme/checkout/actions/runs/42',
      log_url: 'https://github.com/acme/checkout/actions/runs/42/job/1',
      environment_url: 'https://checkout.acme.test',
      created_at: '2026-11-20T11:58:00Z',
      creator: { login: 'deploy-bot' },
    },
    deployment: { id: 5030, sha: '1ec0ffee1234567890abcdef', ref: 'v1.30.0', environment: 'production' },
    repository: { name: 'checkout', full_name: 'acme/checkout', html_url: 'https://github.com/acme/checkout' },
    sender: { login: 'deploy-bot' },
  };
  return signed('deployment_status', body, secret);
}

/** An `issues` event's payload: issue #12 of acme/checkout, closed, with these labels. */
export function issuePayload(labels: string[], action = 'closed'): Record<string, unknown> {
  return {
    action,
    issue: {
      number: 12,
      title: 'Refund backlog',
      html_url: 'https://github.com/acme/checkout/issues/12',
      state: 'closed',
      state_reason: 'completed',
      labels: labels.map((name) => ({ name })),
      updated_at: '2026-11-20T12:01:00Z',
    },
    repository: { name: 'checkout', full_name: 'acme/checkout', html_url: 'https://github.com/acme/checkout' },
    sender: { login: 'alice' },
  };
}

export function signed(event: string, body: unknown, secret: string): WebhookDelivery {
  const rawBody = Buffer.from(JSON.stringify(body));
  return {
    rawBody,
    headers: {
      'x-github-event': event,
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`,
      'content-type': 'application/json',
    },
  };
}

/** Sends a delivery as its sender would: its bytes as they are, its headers but the ones it leaves out. */
export function postDelivery(url: string, delivery: WebhookDelivery): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: Object.fromEntries(
      Object.entries(delivery.headers).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    body: delivery.rawBody,
  });
}
