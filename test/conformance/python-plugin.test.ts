/** The Python example plugin (strict protocol, OpsOrch Core vocabulary) keeps the adapter contract. */

import { examplePlugin } from './plugins.js';
import { describeConformance } from './suite.js';

describeConformance({
  name: 'python-example',
  capabilities: ['incident', 'service'],
  create: examplePlugin('python-example', 'python/incident_catalog.py', ['incident', 'service']),
  writes: true,
});
