/**
 * Latency isolation from a heavy client: p99 of a normal list query at a moderate rate, alone and
 * while one client sends the most expensive query the gateway still accepts, in a loop. The worst
 * accepted query is found, not guessed: a nested connection over every incident is widened until
 * the cost limit refuses it, and the widest one accepted is used. The ratio is the figure.
 */
import { startGatewayProcess } from '../lib/gateway.js';
import { graphqlBody } from '../lib/http.js';
import { load } from '../lib/load.js';
import { alternatePairs, type Pair, pairFigures, pairsFor } from '../lib/pairs.js';
import { INCIDENT_LIST } from '../queries.js';
import type { BenchOptions, Figures } from './context.js';

const NORMAL = graphqlBody(INCIDENT_LIST);
const CONNECTIONS = 5;
const RATE = 50;

function heavy(width: number): string {
  return `{ incidents(first: 100) { nodes { id title
    service { name team { name members { name email } } }
    alerts(first: ${width}) { nodes { id title labels service { name } } }
    tickets(first: ${width}) { nodes { key title incidents { id title } } }
    timeline(first: ${width}) { nodes { kind body at } }
  } } }`;
}

type Answer = { errors?: { extensions?: { code?: string } }[] };

async function ask(url: string, query: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: graphqlBody(query),
  });
  return (await response.json()) as Answer;
}

/** The widest nested query under the cost limit (cost grows with width: a binary search). */
async function worstAccepted(url: string): Promise<{ query: string; width: number }> {
  const refused = async (width: number) =>
    (await ask(url, heavy(width))).errors?.some((e) => /COST|LIMIT|BUDGET/.test(e.extensions?.code ?? '')) ?? false;
  if (await refused(1)) throw new Error('even the narrowest heavy query is refused');
  let low = 1;
  let high = 101;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await refused(mid)) high = mid;
    else low = mid;
  }
  return { query: heavy(low), width: low };
}

interface Measured {
  width: number;
  heavyRequests: number;
  pairs: Pair[];
}

/** The normal load alone, then while one client loops the worst accepted query, in pairs, on one gateway. */
async function measure(name: string, options: BenchOptions, env: Record<string, string>): Promise<Measured> {
  const gateway = await startGatewayProcess(
    name,
    { latencyMs: 0, copies: { incident: 42, alert: 1, ticket: 1 } },
    {},
    env,
  );
  try {
    const { query, width } = await worstAccepted(gateway.graphql);
    const run = () =>
      load({
        url: gateway.graphql,
        body: NORMAL,
        seconds: options.loadSeconds * 2,
        connections: CONNECTIONS,
        rate: RATE,
      });
    await run();
    let heavyRequests = 0;
    const pairs = await alternatePairs(pairsFor(options), run, () => {
      let running = true;
      const loop = (async () => {
        while (running) {
          await ask(gateway.graphql, query);
          heavyRequests++;
        }
      })();
      return {
        async stop() {
          running = false;
          await loop;
        },
      };
    });
    return { width, heavyRequests, pairs };
  } finally {
    await gateway.stop();
  }
}

function figures(prefix: string, m: Measured): Figures {
  return {
    [`${prefix}.heavy.width`]: m.width,
    [`${prefix}.heavy.requests`]: m.heavyRequests,
    ...pairFigures(prefix, 'heavy', m.pairs),
  };
}

/**
 * The gateway as configured by default, and side by side the same build without fair turns
 * (`OPSORCH_EXECUTION_SLICE_MS=0`), where a request never gives the event loop back until it is done.
 */
export async function abuseFigures(options: BenchOptions): Promise<Figures> {
  const unpaced = await measure('gateway-heavy-client-unpaced', options, { OPSORCH_EXECUTION_SLICE_MS: '0' });
  const paced = await measure('gateway-heavy-client', options, {});
  return { 'abuse.normal.rate': RATE, ...figures('abuse', paced), ...figures('abuse.unpaced', unpaced) };
}
