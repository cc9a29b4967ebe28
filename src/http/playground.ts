/**
 * GraphiQL on GET /graphql, served entirely from installed packages so it works on an air-gapped
 * network. Subscriptions go over graphql-ws on the same path.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const ASSETS: Record<string, string> = {
  'graphiql.min.css': join(packageDir('graphiql'), 'graphiql.min.css'),
  'graphiql.min.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'react.production.min.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.production.min.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphql-ws.min.js': join(packageDir('graphql-ws'), 'umd', 'graphql-ws.min.js'),
};

const DEFAULT_QUERY = `# Welcome to OpsOrch Gateway. Run this, then try a subscription:
#   subscription { incidentTimelineUpdated(incidentId: "<an incident id>") { kind body at } }
query OpenIncidents {
  incidents(filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }, first: 5) {
    totalCount
    nodes {
      id
      title
      status
      severity
      url
      service { name team { name onCall { name onCallRole } } }
      timeline(first: 3) { nodes { kind body at } }
    }
  }
}
`;

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpsOrch Gateway · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphql-ws.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script>
  const url = new URL('/graphql', window.location.href);
  const wsUrl = url.href.replace(/^http/, 'ws');
  const wsClient = graphqlWs.createClient({ url: wsUrl, lazy: true, retryAttempts: 5 });
  const fetcher = GraphiQL.createFetcher({ url: url.href, wsClient });
  const params = new URLSearchParams(window.location.search);
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      query: params.get('query') ?? undefined,
      variables: params.get('variables') ?? undefined,
      defaultEditorToolsVisibility: true,
    }),
  );
</script>
</body>
</html>`;
}

export function playgroundRouter(): Router {
  const router = express.Router();
  const html = page();
  router.get('/graphiql/:asset', (req: Request, res: Response) => {
    const file = ASSETS[String(req.params.asset)];
    if (!file) {
      res.status(404).end();
      return;
    }
    res.sendFile(file, { maxAge: '1h' });
  });
  // A browser asking for a page gets GraphiQL; API clients (JSON, GET queries) go on to Apollo.
  router.get('/graphql', (req, res, next) => {
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    res.type('html').send(html);
  });
  return router;
}
