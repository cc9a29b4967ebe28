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

/**
 * IDs encoded lately, by native ID: a list's records come back on every refresh, and encoding one
 * (a Buffer per ID) costs several times what finding it here does. Emptied when full; native IDs
 * longer than `MAX_REMEMBERED_ID_LENGTH` are encoded each time rather than held.
 */
export const MAX_REMEMBERED_IDS = 4096;
const MAX_REMEMBERED_ID_LENGTH = 256;
const remembered = new Map<string, { kind: NodeKind; provider: string; id: string }>();

export function toGlobalId(kind: NodeKind, provider: string, nativeId: string): string {
  const known = remembered.get(nativeId);
  if (known !== undefined && known.kind === kind && known.provider === provider) return known.id;
  const id = Buffer.from(`${kind}:${provider}:${nativeId}`, 'utf8').toString('base64url');
  if (nativeId.length <= MAX_REMEMBERED_ID_LENGTH) {
    if (remembered.size >= MAX_REMEMBERED_IDS) remembered.clear();
    remembered.set(nativeId, { kind, provider, id });
  }
  return id;
}

/** How many encoded IDs are held (for the bound's test). */
export function rememberedIds(): number {
  return remembered.size;
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
