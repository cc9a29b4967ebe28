import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS and ESM builds; Node resolves every import to the CJS one, so tests must
    // too, or schema objects cross "realms" between our code and our dependencies.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/build.ts'],
    // Tests that start a process (the gateway, codegen) do its start-up inside their time: at a load
    // of 15 on two cores the codegen check took 16.5 s and the MCP process's start and stop 10.8 s,
    // and at 20 three such tests passed 30 s in a full run. A hung test still fails, a minute later.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites start real servers and child processes; two cores are shared between them.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
