/**
 * Normalizing plugin records: timestamps in every form a plugin may write come out as `Date`
 * would write them (`toISOString()` of what `Date.parse` reads), Go's zero time and garbage as
 * unset; enum words in any spelling; values found in the record, its `fields` or its `metadata`.
 */
import { describe, expect, it } from 'vitest';
import { alert, incident, logAnswer } from '../../../adapters/plugin/records.js';

const created = (createdAt: unknown) => incident({ id: 'i1', title: 't', createdAt }).createdAt;
const updated = (updatedAt: unknown) => incident({ id: 'i1', createdAt: '2026-01-01T00:00:00Z', updatedAt }).updatedAt;

describe('plugin records', () => {
  it.each([
    ['Go nanoseconds in UTC', '2026-12-01T13:51:01.028958793Z', '2026-12-01T13:51:01.028Z'],
    ['milliseconds', '2026-12-01T13:51:01.999Z', '2026-12-01T13:51:01.999Z'],
    ['one fractional digit', '2026-12-01T13:51:01.5Z', '2026-12-01T13:51:01.500Z'],
    ['two fractional digits', '2026-12-01T13:51:01.25Z', '2026-12-01T13:51:01.250Z'],
    ['no fraction', '2026-12-01T13:51:01Z', '2026-12-01T13:51:01.000Z'],
    ['29 February of a leap year', '2024-02-29T23:59:59.9999Z', '2024-02-29T23:59:59.999Z'],
    ['an offset', '2026-12-01T13:51:01.0289+01:00', '2026-12-01T12:51:01.028Z'],
    ['29 February of another year (Date rolls it over)', '2026-02-29T00:00:00Z', '2026-03-01T00:00:00.000Z'],
    ['24:00 (the next day)', '2026-12-01T24:00:00Z', '2026-12-02T00:00:00.000Z'],
    ['Unix seconds', 1_764_597_061, '2025-12-01T13:51:01.000Z'],
    ['Unix milliseconds', 1_764_597_061_028, '2025-12-01T13:51:01.028Z'],
  ])('reads a timestamp with %s as Date does', (_, written, expected) => {
    expect(created(written)).toBe(expected);
    if (typeof written === 'string') expect(expected).toBe(new Date(Date.parse(written)).toISOString());
  });

  it.each([
    ["Go's zero time", '0001-01-01T00:00:00Z'],
    ['a time before 1900', '1899-12-31T23:59:59.999Z'],
    ['a month that does not exist', '2026-13-01T00:00:00Z'],
    ['60 seconds', '2026-12-01T13:51:60Z'],
    ['text', 'yesterday'],
    ['an empty string', ''],
    ['null', null],
  ])('reads %s as unset', (_, written) => {
    expect(updated(written)).toBeNull();
  });

  it.each([
    '2026-12-01T13:51:01.Z',
    '2026-12-01T13:51:01.5aZ',
    '2026-12-01T13:51:01,5Z',
    '2026-12-01 13:51:01Z',
    '2026-1-01T13:51:01.000Z',
    '2026-12-01T13:51:01.000z',
    '2026-00-01T13:51:01Z',
    '2026-12-00T13:51:01Z',
    '2026-12-01T23:59:59.123456789012345Z',
    '+02026-12-01T13:51:01Z',
  ])('reads %s as Date does, or as unset where Date cannot', (written) => {
    const ms = Date.parse(written);
    expect(updated(written)).toBe(Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  });

  it('fails a record whose createdAt and updatedAt are both unset', () => {
    expect(() => created('0001-01-01T00:00:00Z')).toThrow(
      'plugin returned incident i1 without a valid createdAt timestamp',
    );
  });

  it('reads status and severity words in any spelling, keeping the raw word', () => {
    const r = incident({ id: 'i1', createdAt: '2026-01-01T00:00:00Z', status: ' Mitigating ', severity: 'SEV1' });
    expect([r.status, r.rawStatus, r.severity, r.rawSeverity]).toEqual([
      'MITIGATED',
      ' Mitigating ',
      'CRITICAL',
      'SEV1',
    ]);
    const plain = incident({ id: 'i2', createdAt: '2026-01-01T00:00:00Z', status: 'mitigating', severity: 'sev1' });
    expect([plain.status, plain.severity]).toEqual(['MITIGATED', 'CRITICAL']);
    const unheard = incident({ id: 'i3', createdAt: '2026-01-01T00:00:00Z', status: 'pondering', severity: 7 });
    expect([unheard.status, unheard.severity]).toEqual(['UNKNOWN', 'UNKNOWN']);
  });

  it('finds service and team on the record, else in fields, else in metadata, skipping empty values', () => {
    const r = incident({
      id: 'i1',
      createdAt: '2026-01-01T00:00:00Z',
      service: '',
      fields: { service: 'svc-fields', team: null },
      metadata: { service: 'svc-metadata', team: 'team-metadata' },
    });
    expect([r.service, r.team]).toEqual(['svc-fields', 'team-metadata']);
    expect(r.fields).toEqual({ service: 'svc-fields', team: null });
    expect(r.metadata).toEqual({ service: 'svc-metadata', team: 'team-metadata' });
    const bare = incident({ id: 'i2', createdAt: '2026-01-01T00:00:00Z', service: 'svc-own', fields: 'not an object' });
    expect([bare.service, bare.team, 'fields' in bare, 'metadata' in bare]).toEqual(['svc-own', null, false, false]);
  });

  it('keeps labels that are all words as they are, and turns others into words or leaves them out', () => {
    const words = { env: 'prod', region: 'euw1' };
    const entry = (labels: unknown) =>
      logAnswer({ entries: [{ timestamp: '2026-01-01T00:00:00Z', message: 'm', labels }] }).entries[0];
    expect(entry(words)?.labels).toEqual(words);
    expect(entry({ env: 'prod', replicas: 3, canary: false, empty: '', nested: { a: 1 }, none: null })?.labels).toEqual(
      {
        env: 'prod',
        replicas: '3',
        canary: 'false',
      },
    );
    expect(entry('not a map')).not.toHaveProperty('labels');
    const tagged = alert({ id: 'a1', createdAt: '2026-01-01T00:00:00Z', tags: { team: 'core', sev: 2 } });
    expect(tagged.labels).toEqual({ team: 'core', sev: '2' });
  });

  it('names each assignee once, from the record, its fields and its on-call assignee', () => {
    const at = '2026-01-01T00:00:00Z';
    expect(incident({ id: 'i1', createdAt: at }).assignees).toEqual([]);
    expect(incident({ id: 'i1', createdAt: at, assignees: ['ana'] }).assignees).toEqual(['ana']);
    expect(incident({ id: 'i1', createdAt: at, assignees: ['ana', 'ana', ''] }).assignees).toEqual(['ana']);
    expect(
      incident({
        id: 'i1',
        createdAt: at,
        assignees: ['ana'],
        fields: { assignees: ['bo', 'ana'] },
        metadata: { oncall_assignee: 'cy' },
      }).assignees,
    ).toEqual(['ana', 'bo', 'cy']);
  });
});
