/**
 * Opaque global IDs: base64url of `<kind>:<provider>:<nativeId>`. The provider name routes a
 * re-fetch to the instance that owns the record; clients must treat the string as opaque.
 */

import { NODE_KINDS, type NodeKind } from '../data/models.js';
import { badUserInput } from './errors.js';

export interface GlobalId {
  kind: NodeKind;
  provider: string;
  nativeId: string;
}

export function toGlobalId(kind: NodeKind, provider: string, nativeId: string): string {
  return Buffer.from(`${kind}:${provider}:${nativeId}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string, argument = 'id'): GlobalId {
  const decoded = /^[A-Za-z0-9_-]+$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8') : '';
  const first = decoded.indexOf(':');
  const second = first < 0 ? -1 : decoded.indexOf(':', first + 1);
  const kind = decoded.slice(0, first);
  if (second < 0 || !(kind in NODE_KINDS) || second === first + 1 || second === decoded.length - 1) {
    throw badUserInput(`malformed ID ${JSON.stringify(id)}: not an ID issued by this gateway`, argument);
  }
  return { kind: kind as NodeKind, provider: decoded.slice(first + 1, second), nativeId: decoded.slice(second + 1) };
}

/** Decodes and checks the kind, e.g. that an `incidentId` argument really is an incident. */
export function expectGlobalId(id: string, kind: NodeKind, argument = 'id'): GlobalId {
  const global = fromGlobalId(id, argument);
  if (global.kind !== kind) {
    throw badUserInput(`ID ${JSON.stringify(id)} is ${article(global.kind)}, not ${article(kind)}`, argument);
  }
  return global;
}

const article = (kind: string) => `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;

/** A timeline entry is only addressable through its incident, so its native ID carries both. */
export function timelineEntryNativeId(incidentId: string, entryId: string): string {
  return `${encodeURIComponent(incidentId)}/${encodeURIComponent(entryId)}`;
}

export function parseTimelineEntryNativeId(nativeId: string): { incidentId: string; entryId: string } | null {
  const parts = nativeId.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  return { incidentId: decodeURIComponent(parts[0]), entryId: decodeURIComponent(parts[1]) };
}
