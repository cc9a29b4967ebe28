/**
 * The floor: a bare Apollo Server 5 on Express 5 with minimal resolvers over the same mock data
 * held in memory, and none of the gateway's machinery (no loaders, adapters, global IDs, plugins,
 * validation rules or error masking). The gateway's overhead is measured against this.
 */
import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Incident, Service, Team } from '../../adapters/contract/index.js';

const typeDefs = /* GraphQL */ `
  type Query {
    incidents(first: Int = 20, after: String): IncidentConnection!
  }
  type IncidentConnection {
    totalCount: Int
    edges: [IncidentEdge!]!
  }
  type IncidentEdge {
    cursor: String!
    node: Incident!
  }
  type Incident {
    id: ID!
    title: String!
    status: String!
    severity: String!
    createdAt: String!
    service: Service
  }
  type Service {
    name: String!
    tier: String
    team: Team
  }
  type Team {
    name: String!
  }
`;

export interface BareData {
  incidents: Incident[];
  services: Service[];
  teams: Team[];
}

export async function startBareServer(data: BareData, port: number): Promise<void> {
  const services = new Map(data.services.map((s) => [s.name, s]));
  const teams = new Map(data.teams.map((t) => [t.name, t]));
  const resolvers = {
    Query: {
      incidents: (_: unknown, { first, after }: { first: number; after?: string | null }) => {
        const start = after ? Number(after) : 0;
        return {
          totalCount: data.incidents.length,
          edges: data.incidents.slice(start, start + first).map((node, i) => ({ cursor: String(start + i + 1), node })),
        };
      },
    },
    Incident: { service: (incident: Incident) => (incident.service ? services.get(incident.service) : null) },
    Service: { team: (service: Service) => (service.team ? teams.get(service.team) : null) },
  };
  const apollo = new ApolloServer({ typeDefs, resolvers });
  await apollo.start();
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo));
  createServer(app).listen(port, '127.0.0.1');
}
