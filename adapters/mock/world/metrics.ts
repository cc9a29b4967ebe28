/**
 * Metric values are closed-form functions of time, so any start/end/step sees the same curve:
 * counters are integrals of a daily traffic wave (monotonic by construction), gauges add a
 * little hashed noise per 15 s, and incidents on the service bend the curves while they last.
 */
import type { MetricDescriptor } from '../../contract/index.js';
import { type Impact, impactAt } from './impact.js';
import type { World } from './model.js';
import { mixInts } from './rng.js';
import type { ServiceRecord } from './services.js';
import { DAY, HOUR, SECOND } from './time.js';

export interface SeriesContext {
  world: World;
  record: ServiceRecord;
  impacts: readonly Impact[];
  /** Counters count from here (the last process restart, as far as the demo is concerned). */
  origin: number;
  /** Seeds the series' noise: hash of the world seed and the service. */
  key: number;
}

interface MetricDefinition {
  descriptor: MetricDescriptor;
  value(ctx: SeriesContext, t: number): number;
}

export const METRIC_LABELS = ['service', 'environment', 'team', 'job'];
const WAVE = 0.3;
const NOISE_BUCKET = 15 * SECOND;

function wave(ctx: SeriesContext, t: number): number {
  return Math.sin((2 * Math.PI * t) / DAY + ctx.record.profile.phase);
}

/** Requests served since the origin: the integral of rps * (1 + WAVE * wave). */
function requestsSince(ctx: SeriesContext, t: number): number {
  const { rps, phase } = ctx.record.profile;
  const to = Math.max(t, ctx.origin);
  const seconds = (to - ctx.origin) / SECOND;
  const period = DAY / SECOND;
  const angle = (x: number) => (2 * Math.PI * x) / DAY + phase;
  return rps * (seconds + ((WAVE * period) / (2 * Math.PI)) * (Math.cos(angle(ctx.origin)) - Math.cos(angle(to))));
}

/** Extra failing requests per second while an incident hurts the service. */
function extraErrorRate(ctx: SeriesContext, impact: Impact): number {
  const base = impact.symptom.kind === 'errors' ? 0.02 + 0.18 * impact.weight : 0.005 + 0.04 * impact.weight;
  return ctx.record.profile.rps * base;
}

function errorsSince(ctx: SeriesContext, t: number): number {
  let errors = 0.002 * requestsSince(ctx, t);
  for (const impact of ctx.impacts) {
    const from = Math.max(impact.start, ctx.origin);
    const to = Math.min(impact.end, t);
    if (to > from) errors += (extraErrorRate(ctx, impact) * (to - from)) / SECOND;
  }
  return errors;
}

const NOISE_SALT = { latency: 1, cpu: 2, memory: 3 } as const;

/** Uniform in [-0.5, 0.5), fixed per 15 s bucket so every step size sees the same wiggle. */
function noise(ctx: SeriesContext, metric: keyof typeof NOISE_SALT, t: number): number {
  return mixInts(ctx.key, NOISE_SALT[metric], Math.floor(t / NOISE_BUCKET)) / 4294967296 - 0.5;
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

const LATENCY_FACTOR: Record<Impact['symptom']['kind'], number> = {
  latency: 6,
  saturation: 4,
  errors: 1.5,
  cpu: 2.5,
  memory: 2,
};

const DEFINITIONS: readonly MetricDefinition[] = [
  {
    descriptor: {
      name: 'http_requests_total',
      type: 'COUNTER',
      unit: 'requests',
      help: 'Total HTTP requests served.',
      labels: METRIC_LABELS,
    },
    value: (ctx, t) => Math.round(requestsSince(ctx, t)),
  },
  {
    descriptor: {
      name: 'http_errors_total',
      type: 'COUNTER',
      unit: 'requests',
      help: 'Total HTTP requests answered with a 5xx status.',
      labels: METRIC_LABELS,
    },
    value: (ctx, t) => Math.round(errorsSince(ctx, t)),
  },
  {
    descriptor: {
      name: 'http_request_duration_seconds',
      type: 'GAUGE',
      unit: 'seconds',
      help: 'p99 HTTP request latency over the last minute.',
      labels: METRIC_LABELS,
    },
    value: (ctx, t) => {
      const impact = impactAt(ctx.impacts, t);
      const spike = impact ? 1 + LATENCY_FACTOR[impact.symptom.kind] * impact.weight : 1;
      const v = ctx.record.profile.latency * (1 + 0.15 * wave(ctx, t)) * (1 + 0.1 * noise(ctx, 'latency', t)) * spike;
      return round(clamp(v, 0.001, 30), 4);
    },
  },
  {
    descriptor: {
      name: 'cpu_usage_ratio',
      type: 'GAUGE',
      unit: 'ratio',
      help: "CPU used as a fraction of the containers' CPU limit.",
      labels: METRIC_LABELS,
    },
    value: (ctx, t) => {
      const impact = impactAt(ctx.impacts, t);
      const extra = impact ? (impact.symptom.kind === 'cpu' ? 0.1 + 0.45 * impact.weight : 0.2 * impact.weight) : 0;
      const v = ctx.record.profile.cpu + 0.12 * wave(ctx, t) + 0.06 * noise(ctx, 'cpu', t) + extra;
      return round(clamp(v, 0.01, 1), 4);
    },
  },
  {
    descriptor: {
      name: 'memory_usage_bytes',
      type: 'GAUGE',
      unit: 'bytes',
      help: "Resident memory of the service's containers.",
      labels: METRIC_LABELS,
    },
    value: (ctx, t) => {
      const { memoryBytes, phase } = ctx.record.profile;
      // Garbage collection makes memory a sawtooth rather than a wave.
      const cycle = (((t / (6 * HOUR) + phase) % 1) + 1) % 1;
      const impact = impactAt(ctx.impacts, t);
      const extra = impact ? (impact.symptom.kind === 'memory' ? 0.6 : 0.1) * impact.weight : 0;
      return Math.round(memoryBytes * (0.7 + 0.2 * cycle + 0.02 * noise(ctx, 'memory', t) + extra));
    },
  },
];

export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(DEFINITIONS.map((d) => [d.descriptor.name, d]));

export const DESCRIPTORS: readonly MetricDescriptor[] = DEFINITIONS.map((d) => d.descriptor);

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Counters restart with the world's deploy history in mind: thirty days before `now`. */
export function counterOrigin(world: World): number {
  return Math.floor((world.anchor - 30 * DAY) / DAY) * DAY;
}
