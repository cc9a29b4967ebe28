/**
 * OpsOrch's own GitHub and Slack adapters document their `OPSORCH_<CAP>_CONFIG` (their READMEs and
 * `New(cfg)`): `token`/`owner`/`repo`/`defaultState` for tickets, `token`/`owner`/`repo` for
 * deployments, `token`/`organization` for teams, `token` for Slack messaging. Those variables, as
 * written there, start the matching providers here; with only the API root added (the one key a
 * test needs to reach a fake instead of github.com and slack.com) they answer through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFactories } from '../../../adapters/index.js';
import { loadConfig } from '../../../src/providers/config.js';
import { type AdapterRegistry, buildRegistry } from '../../../src/providers/registry.js';
import { seedGitHub } from '../../fakes/github/seed.js';
import { type GitHubFake, startGitHubFake } from '../../fakes/github/server.js';
import { type SlackFake, startSlackFake } from '../../fakes/slack/server.js';
import { startTestGateway, testLogger } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';

let github: GitHubFake;
let slack: SlackFake;

beforeAll(async () => {
  github = await startGitHubFake();
  seedGitHub(github);
  slack = await startSlackFake();
});

afterAll(async () => {
  await github?.stop();
  await slack?.stop();
});

/** The environment of OpsOrch's READMEs; `extra` is merged into every config. */
function opsorchEnv(extra: (kind: 'github' | 'slack') => Record<string, unknown>): Record<string, string> {
  const config = (kind: 'github' | 'slack', c: Record<string, unknown>) => JSON.stringify({ ...c, ...extra(kind) });
  return {
    OPSORCH_TICKET_PROVIDER: 'github',
    OPSORCH_TICKET_CONFIG: config('github', {
      token: github.token,
      owner: github.owner,
      repo: github.repo,
      defaultState: 'open',
    }),
    OPSORCH_DEPLOYMENT_PROVIDER: 'github',
    OPSORCH_DEPLOYMENT_CONFIG: config('github', { token: github.token, owner: github.owner, repo: github.repo }),
    OPSORCH_TEAM_PROVIDER: 'github',
    OPSORCH_TEAM_CONFIG: config('github', { token: github.token, organization: github.org }),
    OPSORCH_MESSAGING_PROVIDER: 'slack',
    OPSORCH_MESSAGING_CONFIG: config('slack', { token: slack.token }),
  };
}

async function registryFor(env: Record<string, string>): Promise<AdapterRegistry> {
  return buildRegistry(loadConfig(env), adapterFactories, testLogger, env);
}

describe("OpsOrch's GitHub and Slack adapter configs", () => {
  it('start the github and slack providers unchanged', async () => {
    const registry = await registryFor(opsorchEnv(() => ({})));
    try {
      expect(registry.instances.map((i) => [i.name, i.kind, i.capabilities.join()])).toEqual([
        ['github', 'github', 'ticket'],
        ['slack', 'slack', 'messaging'],
        ['github-deployment', 'github', 'deployment'],
        ['github-team', 'github', 'team'],
      ]);
    } finally {
      await registry.close();
    }
  });

  it('answer tickets, deployments, teams and messages through the gateway', async () => {
    const registry = await registryFor(
      opsorchEnv((kind) => (kind === 'github' ? { apiURL: github.url } : { apiURL: slack.url })),
    );
    const gateway = await startTestGateway(
      registry.instances.map((i) => ({ name: i.name, adapter: i.adapter, capabilities: [...i.capabilities] })),
    );
    try {
      const sent = await gqlData<{ messageSend: { message: { url: string } | null } }>(
        gateway.url,
        'mutation { messageSend(input: { channel: "#general", body: "hello" }) { message { url } } }',
      );
      const data = await gqlData<{
        tickets: { nodes: { key: string }[] };
        deployments: { nodes: { version: string }[] };
        teams: { nodes: { name: string; members: { name: string }[] }[] };
      }>(
        gateway.url,
        '{ tickets(first: 2) { nodes { key } } deployments(first: 2) { nodes { version } } teams { nodes { name members { name } } } }',
      );
      expect(data.tickets.nodes.map((t) => t.key)).toEqual(['checkout#130', 'checkout#129']);
      expect(data.deployments.nodes.map((d) => d.version)).toEqual(['v1.30.0', 'v1.29.0']);
      expect(data.teams.nodes.find((t) => t.name === 'Platform')?.members.map((m) => m.name)).toEqual(['bob', 'dave']);
      expect(sent.messageSend.message?.url).toMatch(/^https:\/\/acme\.slack\.com\/archives\/C0GEN0001\/p\d+$/);
    } finally {
      await gateway.stop();
    }
  });
});
