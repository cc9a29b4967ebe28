/** A minimal GraphQL-over-HTTP client for tests: real HTTP, no client library in between. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T> & { status: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { ...body, status: response.status };
}

/** Like `gql`, but fails the test on any GraphQL error. */
export async function gqlData<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const result = await gql<T>(url, query, variables);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors ?? result, null, 2)}`);
  }
  return result.data;
}

/** The global ID of the first incident the gateway at `url` lists. */
export async function firstIncidentId(url: string): Promise<string> {
  const { incidents } = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
    url,
    '{ incidents(first: 1) { nodes { id } } }',
  );
  const id = incidents.nodes[0]?.id;
  if (id === undefined) throw new Error(`the gateway at ${url} lists no incident`);
  return id;
}
