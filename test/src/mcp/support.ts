/** An MCP client of the official SDK, over Streamable HTTP to a gateway's `/mcp`. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export async function connectMcp(base: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'opsorch-gateway-tests', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
  return client;
}

export type Structured = Record<string, unknown> & { errors?: unknown[]; note?: string; truncated?: boolean };

/** Calls a tool and returns its structured answer, failing the test on a tool error. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Structured> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Structured;
}

/** The text an agent reads, and whether the call was an error. */
export async function callText(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ text: string; isError: boolean; links: { uri: string }[] }> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string; uri?: string }[];
  return {
    text: content
      .filter((c) => c.type === 'text')
      .map((c) => c.text ?? '')
      .join('\n'),
    isError: result.isError === true,
    links: content.filter((c) => c.type === 'resource_link').map((c) => ({ uri: String(c.uri) })),
  };
}
