/**
 * Apollo runs queries through the compiled executor (its gateway seam); a federation router's
 * request for a trace runs on graphql-js, whose resolver calls feed the trace's field timings.
 */
import { Trace } from '@apollo/usage-reporting-protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';

let subgraph: TestGateway;

beforeAll(async () => {
  subgraph = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], { federation: true });
});
afterAll(() => subgraph.stop());

async function traced(query: string): Promise<{ data: unknown; trace: Trace }> {
  const response = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data: unknown; extensions: { ftv1: string } };
  return { data: body.data, trace: Trace.decode(Buffer.from(body.extensions.ftv1, 'base64')) };
}

describe('compiled execution in a subgraph', () => {
  it('gives a router that asks for a trace every field it resolved, of a query compiled before', async () => {
    const query = '{ incidents(first: 2) { nodes { id title } } }';
    // Compiled before Apollo wraps the schema's resolvers for its first traced request.
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const untraced = ((await response.json()) as { data: unknown }).data;
    const compilations = (await readyLive(subgraph)).compiledOperations.compilations;
    const { data, trace } = await traced(query);
    expect(data).toEqual(untraced);
    const incidents = trace.root?.child?.find((node) => node.responseName === 'incidents');
    const nodes = incidents?.child?.find((node) => node.responseName === 'nodes');
    expect(nodes?.child?.map((item) => item.child?.map((field) => field.responseName))).toEqual([
      ['id', 'title'],
      ['id', 'title'],
    ]);
    expect((await readyLive(subgraph)).compiledOperations.compilations).toBe(compilations);
  });
});
