/** The seeded mock adapter keeps the adapter contract. */
import { CAPABILITIES } from '../../adapters/contract/index.js';
import { MOCK_NOW, mockAdapter } from '../helpers/gateway.js';
import { describeConformance } from './suite.js';

describeConformance({
  name: 'mock',
  capabilities: [...CAPABILITIES],
  create: () => mockAdapter(),
  writes: true,
  now: () => Date.parse(MOCK_NOW),
});
