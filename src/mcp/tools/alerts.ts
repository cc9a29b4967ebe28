import { anyRecord, arrayOf, listOutput, positiveInteger, scope, string, toolInput } from '../json-schema.js';
import * as shape from '../opsorch-shapes.js';
import { READ, type Tool } from '../tool.js';
import * as words from '../vocabulary.js';
import { collect, defined, limitOf, listAnswer, recordTool, scopeOf } from './support.js';

export const queryAlerts: Tool = {
  name: 'query-alerts',
  title: 'Query Alerts',
  description:
    'Search alerts from every alerting provider, newest first, by statuses (firing, acknowledged, silenced, resolved), severities, scope and free text.',
  inputSchema: toolInput({
    query: string(),
    statuses: arrayOf(string()),
    severities: arrayOf(string()),
    scope: scope(),
    limit: positiveInteger(),
    metadata: anyRecord(),
  }),
  outputSchema: listOutput('alerts'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const filter = defined({
      query: args.query,
      statuses: words.alertStatuses(args.statuses),
      severities: words.alertSeverities(args.severities),
      scope: scopeOf(args.scope),
    });
    const found = await collect(
      ctx,
      'query-alerts',
      { filter },
      ['alerts'],
      limitOf(args.limit),
      shape.alert,
      words.allOf(words.statusWords.alert(args.statuses), words.severityWords.alert(args.severities)),
    );
    return { structured: listAnswer('alerts', found, 'statuses, severities, scope or query, or a smaller limit') };
  },
};

export const getAlert = recordTool({
  name: 'get-alert',
  title: 'Get Alert',
  description: 'Read one alert by its ID, with its labels and deep link.',
  kind: 'Alert',
  root: 'alert',
  key: 'alert',
  shape: shape.alert,
});
