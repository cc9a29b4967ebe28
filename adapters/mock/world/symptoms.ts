/**
 * What goes wrong. One symptom drives an incident's title, its alert, the log lines during it
 * and which metric spikes, so the demo story is the same whichever tool you look at.
 */

export type SymptomKind = 'errors' | 'latency' | 'cpu' | 'memory' | 'saturation';

export interface Symptom {
  key: string;
  kind: SymptomKind;
  alertname: string;
  title: (service: string) => string;
  description: (service: string) => string;
  /** Log lines emitted at ERROR/WARN while the symptom lasts. */
  errorLogs: readonly string[];
  notes: readonly string[];
}

export const SYMPTOMS: readonly Symptom[] = [
  {
    key: 'http-5xx',
    kind: 'errors',
    alertname: 'HighErrorRate',
    title: (s) => `Elevated 5xx error rate on ${s}`,
    description: (s) => `More than 5% of requests to ${s} fail with 5xx responses over the last 5 minutes.`,
    errorLogs: [
      'upstream request failed: 503 Service Unavailable',
      'request failed with status 500: internal error while handling POST /v1/orders',
      'circuit breaker OPEN for downstream dependency',
    ],
    notes: [
      'Error rate started right after the last deploy, looking at the diff.',
      'Most failures come from a single availability zone.',
      'Rolling back looks like the fastest way out.',
    ],
  },
  {
    key: 'latency',
    kind: 'latency',
    alertname: 'HighLatencyP99',
    title: (s) => `p99 latency above SLO on ${s}`,
    description: (s) => `p99 request latency of ${s} has been above its 500ms SLO for 10 minutes.`,
    errorLogs: [
      'slow request: GET /v1/items took 4873ms',
      'context deadline exceeded while calling downstream',
      'request timed out after 5000ms',
    ],
    notes: [
      'Slow queries in the database dashboard line up with the latency spike.',
      'Added capacity, latency is coming down slowly.',
      'Suspect a cache stampede after the cache flush.',
    ],
  },
  {
    key: 'crashloop',
    kind: 'memory',
    alertname: 'KubePodCrashLooping',
    title: (s) => `${s} pods crash-looping (OOMKilled)`,
    description: (s) => `Pods of ${s} restart repeatedly; the last termination reason is OOMKilled.`,
    errorLogs: [
      'FATAL: JavaScript heap out of memory',
      'container killed: OOMKilled (exit code 137)',
      'liveness probe failed: connection refused',
    ],
    notes: [
      'Heap grows steadily since the release, likely a leak in the new cache.',
      'Raised memory limits as a stopgap.',
      'Heap dump captured, sharing in the channel.',
    ],
  },
  {
    key: 'db-pool',
    kind: 'saturation',
    alertname: 'DBConnectionPoolExhausted',
    title: (s) => `Database connection pool exhausted (${s})`,
    description: (s) => `${s} cannot acquire database connections; requests queue and time out.`,
    errorLogs: [
      'timeout acquiring connection from pool after 30000ms',
      'too many clients already (SQLSTATE 53300)',
      'transaction aborted: could not obtain connection',
    ],
    notes: [
      'Connection count is pinned at the pool maximum.',
      'A long-running migration is holding locks, killing it.',
      'Pool size bumped from 20 to 40 per pod.',
    ],
  },
  {
    key: 'cpu',
    kind: 'cpu',
    alertname: 'CPUThrottlingHigh',
    title: (s) => `CPU saturation on ${s}`,
    description: (s) => `${s} containers are throttled above 80% of their CPU quota.`,
    errorLogs: [
      'event loop lag 1840ms exceeds threshold',
      'worker pool saturated: 64/64 busy, queueing request',
      'health check slow: 2300ms',
    ],
    notes: [
      'Traffic is 2x normal, looks like a bot crawling us.',
      'HPA is at max replicas, raising the ceiling.',
      'Blocked the offending user agent at the edge.',
    ],
  },
  {
    key: 'consumer-lag',
    kind: 'saturation',
    alertname: 'KafkaConsumerLagHigh',
    title: (s) => `Consumer lag growing on ${s}`,
    description: (s) => `Consumers of ${s} fall behind; lag exceeds 100k messages.`,
    errorLogs: [
      'consumer group rebalance in progress, partitions revoked',
      'commit failed: the group has already rebalanced',
      'processing batch took 12034ms, exceeding max.poll.interval.ms',
    ],
    notes: [
      'One partition is hot, a single tenant is flooding it.',
      'Scaled consumers from 6 to 12.',
      'Lag is draining, ETA 20 minutes.',
    ],
  },
  {
    key: 'cert',
    kind: 'errors',
    alertname: 'TLSHandshakeFailures',
    title: (s) => `TLS handshake failures on ${s}`,
    description: (s) => `Clients fail TLS handshakes with ${s}; the certificate chain looks incomplete.`,
    errorLogs: [
      'tls: failed to verify certificate: x509: certificate has expired or is not yet valid',
      'TLS handshake error from 10.12.4.7:51234: remote error: bad certificate',
      'upstream connect error or disconnect/reset before headers',
    ],
    notes: [
      'Intermediate certificate missing from the new bundle.',
      'Re-issued the certificate through cert-manager.',
      'Handshake errors dropping as pods pick up the new secret.',
    ],
  },
];

export const SYMPTOM_BY_KEY: ReadonlyMap<string, Symptom> = new Map(SYMPTOMS.map((s) => [s.key, s]));

export const DEFAULT_SYMPTOM: Symptom = SYMPTOMS[0]!;
