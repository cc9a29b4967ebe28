/**
 * The recommended Apollo Client for a console of the gateway: queries and mutations over HTTP with
 * automatic persisted queries, subscriptions over graphql-ws, the same credential on both.
 */
import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { type Client, createClient } from 'graphql-ws';
import { createCache } from './cache.js';

export interface ConsoleClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://gateway.example/graphql`. */
  url: string;
  /** Its WebSocket endpoint; by default `url` with `ws(s)://`. */
  wsUrl?: string;
  /** Called for every request and every (re)connection, so a refreshed token is picked up. */
  token?: () => string | undefined;
  /** A WebSocket implementation where there is no global one (Node.js 20: the `ws` package). */
  webSocketImpl?: unknown;
  /** A `fetch` to send HTTP requests with; the global one by default. */
  fetch?: typeof fetch;
}

export interface ConsoleClient {
  client: ApolloClient;
  /** The subscription socket, e.g. to watch its `connected` and `closed` events. */
  socket: Client;
  /** Stops the client and closes its socket. */
  dispose(): Promise<void>;
}

/** The APQ hash the gateway checks: SHA-256 of the query text, hex (Web Crypto: browsers and Node.js). */
async function sha256(query: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(query));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function createConsoleClient(options: ConsoleClientOptions): ConsoleClient {
  const bearer = () => {
    const token = options.token?.();
    return token ? `Bearer ${token}` : undefined;
  };
  const socket = createClient({
    url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
    // The gateway checks this before it acknowledges the connection (4403 without a valid one).
    connectionParams: () => {
      const authorization = bearer();
      return authorization ? { authorization } : {};
    },
    ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
  });
  const auth = new SetContextLink((context) => {
    const authorization = bearer();
    return authorization ? { headers: { ...context.headers, authorization } } : {};
  });
  const http = ApolloLink.from([
    auth,
    // Sends the hash first and the text only when the gateway does not know it yet.
    createPersistedQueryLink({ sha256 }),
    new HttpLink({ uri: options.url, ...(options.fetch ? { fetch: options.fetch } : {}) }),
  ]);
  const link = ApolloLink.split(({ query }) => isSubscriptionOperation(query), new GraphQLWsLink(socket), http);
  const client = new ApolloClient({ link, cache: createCache() });
  return {
    client,
    socket,
    async dispose() {
      client.stop();
      await socket.dispose();
    },
  };
}
