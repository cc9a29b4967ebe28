/** The TypeScript example plugin (servePlugin helper, `id` extension) keeps the adapter contract. */

import { examplePlugin } from './plugins.js';
import { describeConformance } from './suite.js';

describeConformance({
  name: 'typescript-example',
  capabilities: ['team', 'deployment', 'log', 'metric'],
  create: examplePlugin('typescript-example', 'typescript/run.sh', ['team', 'deployment', 'log', 'metric']),
});
