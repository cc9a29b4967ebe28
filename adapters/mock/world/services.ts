import type { Service } from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import { links } from './links.js';
import type { Rng } from './rng.js';

interface ServiceDefinition {
  name: string;
  aliases: string[];
  team: string;
  tier: 'tier-1' | 'tier-2' | 'tier-3';
  description: string;
  /** Baseline traffic in requests per second; metrics and logs scale from it. */
  rps: number;
  /** Baseline p99 latency in seconds. */
  latency: number;
}

export const SERVICE_DEFINITIONS: readonly ServiceDefinition[] = [
  {
    name: 'checkout',
    aliases: ['checkout-api', 'checkout-web'],
    team: 'Checkout',
    tier: 'tier-1',
    description: 'Cart and checkout flow.',
    rps: 180,
    latency: 0.42,
  },
  {
    name: 'payments-api',
    aliases: ['payments', 'payment-service'],
    team: 'Payments',
    tier: 'tier-1',
    description: 'Card authorisation and capture.',
    rps: 95,
    latency: 0.65,
  },
  {
    name: 'billing',
    aliases: ['billing-worker'],
    team: 'Payments',
    tier: 'tier-2',
    description: 'Invoices and subscription renewals.',
    rps: 12,
    latency: 0.9,
  },
  {
    name: 'search',
    aliases: ['search-api', 'search-indexer'],
    team: 'Search & Discovery',
    tier: 'tier-1',
    description: 'Product search and ranking.',
    rps: 420,
    latency: 0.18,
  },
  {
    name: 'auth',
    aliases: ['auth-service', 'identity'],
    team: 'Identity',
    tier: 'tier-1',
    description: 'Login, sessions and token issuance.',
    rps: 310,
    latency: 0.09,
  },
  {
    name: 'user-profile',
    aliases: ['profile-api', 'users'],
    team: 'Identity',
    tier: 'tier-2',
    description: 'User profiles and preferences.',
    rps: 140,
    latency: 0.12,
  },
  {
    name: 'api-gateway',
    aliases: ['edge', 'gateway'],
    team: 'Platform',
    tier: 'tier-1',
    description: 'Public edge: routing, rate limiting, TLS.',
    rps: 1200,
    latency: 0.25,
  },
  {
    name: 'inventory',
    aliases: ['inventory-api', 'stock'],
    team: 'Catalog',
    tier: 'tier-2',
    description: 'Stock levels and reservations.',
    rps: 75,
    latency: 0.2,
  },
  {
    name: 'catalog',
    aliases: ['catalog-api', 'product-catalog'],
    team: 'Catalog',
    tier: 'tier-2',
    description: 'Product data and pricing.',
    rps: 260,
    latency: 0.15,
  },
  {
    name: 'notifications',
    aliases: ['notify', 'notification-service'],
    team: 'Notifications',
    tier: 'tier-2',
    description: 'Email, push and SMS fan-out.',
    rps: 40,
    latency: 0.35,
  },
  {
    name: 'orders-db',
    aliases: ['orders-postgres', 'pg-orders'],
    team: 'Data Infrastructure',
    tier: 'tier-1',
    description: 'Primary PostgreSQL cluster for orders.',
    rps: 650,
    latency: 0.03,
  },
  {
    name: 'mobile-bff',
    aliases: ['mobile-api'],
    team: 'Mobile',
    tier: 'tier-2',
    description: 'Backend-for-frontend of the mobile apps.',
    rps: 220,
    latency: 0.3,
  },
  {
    name: 'kafka',
    aliases: ['event-bus', 'kafka-main'],
    team: 'SRE',
    tier: 'tier-1',
    description: 'Shared Kafka cluster for domain events.',
    rps: 900,
    latency: 0.02,
  },
];

/** Metric baselines per service, kept beside the catalogue entry they describe. */
export interface ServiceProfile {
  rps: number;
  latency: number;
  cpu: number;
  memoryBytes: number;
  /** Phase of the daily traffic curve, so services do not peak in lockstep. */
  phase: number;
}

export interface ServiceRecord {
  service: Service;
  profile: ServiceProfile;
}

export function generateServices(rng: Rng, ids: IdFactory): ServiceRecord[] {
  return SERVICE_DEFINITIONS.map((def) => {
    const id = ids.pagerduty();
    return {
      service: {
        id,
        name: def.name,
        aliases: [...def.aliases],
        description: def.description,
        tier: def.tier,
        environment: 'production',
        team: def.team,
        url: links.service(id),
        fields: {
          repository: `acme/${def.name}`,
          escalation_policy: `${def.team} escalation`,
          runbook_url: `https://wiki.acme.internal/runbooks/${def.name}`,
        },
      },
      profile: {
        rps: def.rps * rng.float(0.85, 1.15),
        latency: def.latency * rng.float(0.9, 1.1),
        cpu: rng.float(0.2, 0.5),
        memoryBytes: Math.round(rng.float(0.5, 3) * 1024 ** 3),
        phase: rng.float(0, Math.PI * 2),
      },
    };
  });
}
