import type { Team, TeamMember } from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import { links } from './links.js';
import type { Rng } from './rng.js';

interface TeamDefinition {
  name: string;
  handle: string;
  description: string;
}

export const TEAM_DEFINITIONS: readonly TeamDefinition[] = [
  { name: 'Checkout', handle: 'checkout-team', description: 'Cart, checkout flow and order placement.' },
  { name: 'Payments', handle: 'payments-team', description: 'Card processing, payouts and billing.' },
  { name: 'Search & Discovery', handle: 'search-team', description: 'Product search, ranking and indexing.' },
  { name: 'Identity', handle: 'identity-team', description: 'Login, sessions, tokens and user profiles.' },
  { name: 'Platform', handle: 'platform-team', description: 'Edge, API gateway and shared runtime.' },
  { name: 'Catalog', handle: 'catalog-team', description: 'Product catalogue and inventory.' },
  { name: 'Notifications', handle: 'notifications-team', description: 'Email, push and SMS delivery.' },
  { name: 'Data Infrastructure', handle: 'data-infra', description: 'Primary databases and replication.' },
  { name: 'Mobile', handle: 'mobile-team', description: 'Backend-for-frontend of the iOS and Android apps.' },
  { name: 'SRE', handle: 'sre', description: 'Reliability, observability and the event bus.' },
];

const FIRST_NAMES = [
  'Alice',
  'Bruno',
  'Chen',
  'Dana',
  'Emeka',
  'Farah',
  'Gustavo',
  'Hana',
  'Ivan',
  'Jade',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aiko',
  'Bilal',
  'Carmen',
  'Dmitri',
  'Elif',
  'Femi',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Keira',
  'Luca',
  'Maya',
  'Nikhil',
] as const;

const LAST_NAMES = [
  'Okafor',
  'Schmidt',
  'Nakamura',
  'Alvarez',
  'Kowalski',
  'Haddad',
  'Larsen',
  'Moreau',
  'Singh',
  'Rossi',
  'Tanaka',
  'Novak',
  'Mensah',
  'Petrov',
  'Silva',
  'Kim',
  'Andersson',
  'Costa',
  'Duarte',
  'Fischer',
  'Ibrahim',
  'Jensen',
  'Khan',
  'Lindqvist',
  'Murphy',
  'Nguyen',
  'Oliveira',
  'Park',
  'Quispe',
  'Reyes',
] as const;

export interface TeamRecord {
  team: Team;
  members: TeamMember[];
}

export function generateTeams(rng: Rng, ids: IdFactory): TeamRecord[] {
  const usedNames = new Set<string>();
  const personName = (): string => {
    for (;;) {
      const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  return TEAM_DEFINITIONS.map((def) => {
    const id = ids.pagerduty();
    const size = rng.int(3, 6);
    const members: TeamMember[] = [];
    for (let i = 0; i < size; i++) {
      const name = personName();
      const [first, last] = name.toLowerCase().split(' ') as [string, string];
      const userId = ids.pagerduty();
      members.push({
        id: userId,
        name,
        email: `${first}.${last}@acme.com`,
        handle: `${first[0]}${last}`,
        // The lead comes first; SRE-heavy teams get more sre roles.
        role: i === 0 ? 'lead' : def.handle === 'sre' || rng.chance(0.2) ? 'sre' : 'engineer',
        onCallRole: null,
        url: links.user(userId),
      });
    }
    // Everyone has a primary; most teams also staff a secondary. The lead is rarely primary.
    const rotation = rng.shuffle(members.slice(1));
    const primary = rotation[0] ?? members[0]!;
    primary.onCallRole = 'primary';
    if (rng.chance(0.7)) {
      const secondary = rotation[1] ?? members[0]!;
      if (secondary !== primary) secondary.onCallRole = 'secondary';
    }
    return {
      team: {
        id,
        name: def.name,
        handle: def.handle,
        description: def.description,
        url: links.team(id),
        fields: { default_escalation_policy: `${def.name} escalation` },
      },
      members,
    };
  });
}
