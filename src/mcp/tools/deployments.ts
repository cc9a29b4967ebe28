import { anyRecord, arrayOf, listOutput, positiveInteger, scope, string, toolInput } from '../json-schema.js';
import * as shape from '../opsorch-shapes.js';
import { READ, type Tool } from '../tool.js';
import * as words from '../vocabulary.js';
import { collect, defined, limitOf, listAnswer, recordTool, scopeOf } from './support.js';

export const queryDeployments: Tool = {
  name: 'query-deployments',
  title: 'Query Deployments',
  description:
    'Deployment history, newest first, by statuses (running, success, failed, ...), versions, scope and free text: correlate an incident with what shipped before it.',
  inputSchema: toolInput({
    query: string(),
    statuses: arrayOf(string()),
    versions: arrayOf(string()),
    scope: scope(),
    limit: positiveInteger(),
    metadata: anyRecord(),
  }),
  outputSchema: listOutput('deployments'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const filter = defined({
      query: args.query,
      statuses: words.deploymentStatuses(args.statuses),
      scope: scopeOf(args.scope),
    });
    const versions =
      Array.isArray(args.versions) && args.versions.length > 0 ? new Set(args.versions.map(String)) : null;
    const found = await collect(
      ctx,
      'query-deployments',
      { filter },
      ['deployments'],
      limitOf(args.limit),
      shape.deployment,
      words.allOf(
        words.statusWords.deployment(args.statuses),
        versions ? (d) => versions.has(String(d.version)) : undefined,
      ),
    );
    return { structured: listAnswer('deployments', found, 'statuses, versions, scope or query, or a smaller limit') };
  },
};

export const getDeployment = recordTool({
  name: 'get-deployment',
  title: 'Get Deployment',
  description: 'Read one deployment by its ID: service, environment, version, status, commit and deep link.',
  kind: 'Deployment',
  root: 'deployment',
  key: 'deployment',
  shape: shape.deployment,
});
