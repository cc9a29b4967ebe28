/** GraphiQL in a real headless browser: it loads offline, runs a query, and receives a subscription over graphql-ws. */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { firstIncidentId, gqlData } from '../../helpers/graphql.js';

describe('GraphiQL playground', () => {
  let gateway: TestGateway;
  let browser: Browser;
  const external: string[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  async function open(query: string) {
    const page = await browser.newPage();
    page.on('request', (request) => {
      if (!request.url().startsWith(gateway.url.replace('/graphql', '')) && !request.url().startsWith('ws://'))
        external.push(request.url());
    });
    await page.goto(`${gateway.url}?query=${encodeURIComponent(query)}`);
    await page.locator('.graphiql-execute-button').waitFor({ timeout: 20_000 });
    return page;
  }

  it('loads from the gateway alone and runs a query', async () => {
    const page = await open('{ incidents(first: 2) { totalCount nodes { title } } }');
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await expect.poll(async () => result.textContent(), { timeout: 15_000 }).toContain('totalCount');
    expect(external).toEqual([]);
    await page.close();
  });

  it('shows timeline entries arriving on a subscription', async () => {
    const id = await firstIncidentId(gateway.url);
    const page = await open(`subscription { incidentTimelineUpdated(incidentId: "${id}") { kind body } }`);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => gateway.pubsub.subscriberCount(), { timeout: 15_000 }).toBeGreaterThan(0);
    const body = `Browser canary ${Date.now()}`;
    await gqlData(
      gateway.url,
      'mutation($input: IncidentTimelineAppendInput!) { incidentTimelineAppend(input: $input) { entry { id } } }',
      {
        input: { incidentId: id, body },
      },
    );
    await expect.poll(async () => page.locator('.result-window').textContent(), { timeout: 15_000 }).toContain(body);
    await page.close();
  });
});
