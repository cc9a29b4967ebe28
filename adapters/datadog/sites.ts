/**
 * Datadog sites: each has its own API host and its own UI host, and data never crosses sites, so
 * both the calls and the deep links follow the configured site. Accepts the site names Datadog
 * documents (`datadoghq.eu`, `us3.datadoghq.com`), the UI hosts people copy from the browser
 * (`app.datadoghq.eu`) and the short region names (`eu1`, `us3`).
 */
export interface Site {
  /** Canonical site name, as `DD_SITE` spells it. */
  name: string;
  api: string;
  ui: string;
}

const SITES: Site[] = [
  { name: 'datadoghq.com', api: 'https://api.datadoghq.com', ui: 'https://app.datadoghq.com' },
  { name: 'us3.datadoghq.com', api: 'https://api.us3.datadoghq.com', ui: 'https://us3.datadoghq.com' },
  { name: 'us5.datadoghq.com', api: 'https://api.us5.datadoghq.com', ui: 'https://us5.datadoghq.com' },
  { name: 'datadoghq.eu', api: 'https://api.datadoghq.eu', ui: 'https://app.datadoghq.eu' },
  { name: 'ap1.datadoghq.com', api: 'https://api.ap1.datadoghq.com', ui: 'https://ap1.datadoghq.com' },
  { name: 'ap2.datadoghq.com', api: 'https://api.ap2.datadoghq.com', ui: 'https://ap2.datadoghq.com' },
  { name: 'ddog-gov.com', api: 'https://api.ddog-gov.com', ui: 'https://app.ddog-gov.com' },
];

const ALIASES: Record<string, string> = {
  us1: 'datadoghq.com',
  'app.datadoghq.com': 'datadoghq.com',
  us3: 'us3.datadoghq.com',
  us5: 'us5.datadoghq.com',
  eu: 'datadoghq.eu',
  eu1: 'datadoghq.eu',
  'app.datadoghq.eu': 'datadoghq.eu',
  ap1: 'ap1.datadoghq.com',
  ap2: 'ap2.datadoghq.com',
  'us1-fed': 'ddog-gov.com',
  gov: 'ddog-gov.com',
  'app.ddog-gov.com': 'ddog-gov.com',
};

export const SITE_NAMES = SITES.map((s) => s.name);

export function siteOf(name: string): Site | undefined {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  const canonical = ALIASES[key] ?? key;
  return SITES.find((s) => s.name === canonical);
}
