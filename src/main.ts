/**
 * `npm start`: configuration from the environment, then serve until SIGTERM or SIGINT.
 * `node dist/src/main.js mcp` (`npm run --silent mcp`): the same gateway for one local agent, as an
 * MCP server on stdin/stdout; logs go to stderr and the gateway stops when stdin closes.
 */
import './node-env.js';
import { adapterFactories } from '../adapters/index.js';
import { RedisPubSub } from './events/redis.js';
import { startGateway } from './http/server.js';
import { createLogger, endLog } from './logger.js';
import { ConfigError, loadConfig } from './providers/config.js';
import { buildRegistry } from './providers/registry.js';
import { redactSecrets } from './redaction.js';

const stdioMcp = process.argv[2] === 'mcp';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsorch-gateway: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (stdioMcp) {
    // The agent talks over stdio: nothing else is served, HTTP only on an ephemeral loopback port.
    // The audit trail too goes where the log goes: stdout is the protocol's.
    const { audit } = config.security;
    config = {
      ...config,
      host: '127.0.0.1',
      port: 0,
      playground: false,
      security: {
        ...config.security,
        audit: audit.destination === 'stdout' ? { ...audit, destination: 'stderr' } : audit,
      },
    };
  }
  const logger = createLogger(config.logLevel, stdioMcp ? 2 : 1);
  const factories = {
    ...adapterFactories,
    mock: (c: Record<string, unknown>, env: Parameters<(typeof adapterFactories)['mock']>[1]) =>
      adapterFactories.mock!({ live: config.mockLive, ...c }, env),
  };
  let registry: Awaited<ReturnType<typeof buildRegistry>>;
  try {
    registry = await buildRegistry(config, factories, logger);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsorch-gateway: configuration error: ${redactSecrets(err.message)}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Several instances share events and polling leases through Redis; one instance needs nothing.
  const pubsub = config.pubsubUrl ? await RedisPubSub.connect(config.pubsubUrl) : undefined;
  const gateway = await startGateway({
    config,
    registry,
    logger,
    ...(pubsub ? { pubsub } : {}),
    batching: config.dataloader,
    singleFlight: config.singleFlight,
    security: config.security,
  });

  let signalled = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    await gateway.stop();
    await registry.close();
    logger.info('stopped');
    await endLog();
    process.exit(0);
  };
  // `on`, not `once`: tsx re-raises a signal that no other listener is left to handle.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (stdioMcp) {
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = await gateway.localMcpServer();
    server.onclose = () => void shutdown('SIGTERM');
    await server.connect(new StdioServerTransport());
    // The agent closing our stdin is how it says goodbye.
    process.stdin.once('end', () => void shutdown('SIGTERM'));
    logger.info('MCP server ready on stdio');
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`opsorch-gateway: failed to start: ${redactSecrets(message)}\n`);
  process.exit(1);
});
