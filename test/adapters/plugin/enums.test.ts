/**
 * OpsOrch's words both ways; here the words a filter asks a plugin for: every word of every value
 * asked, then the value's own name, each once, in the order the values were asked.
 */
import { describe, expect, it } from 'vitest';
import { incidentStatus, ticketStatus } from '../../../adapters/plugin/enums.js';

describe("a vocabulary's words for a filter", () => {
  it("lists each value's words and then its own name, in the order asked", () => {
    expect(incidentStatus.words(['MITIGATED', 'TRIGGERED'])).toEqual([
      'mitigating',
      'monitoring',
      'mitigated',
      'stable',
      'contained',
      'MITIGATED',
      'open',
      'triggered',
      'new',
      'active',
      'firing',
      'TRIGGERED',
    ]);
  });

  it('lists the words of a value asked twice once', () => {
    expect(ticketStatus.words(['DONE', 'DONE', 'CANCELLED'])).toEqual([
      'done',
      'closed',
      'resolved',
      'completed',
      'fixed',
      'DONE',
      'cancelled',
      'canceled',
      'wont_do',
      "won't_do",
      'wontfix',
      'rejected',
      'CANCELLED',
    ]);
    expect(incidentStatus.words([])).toEqual([]);
  });

  it('lists only its own name for a value without words', () => {
    expect(incidentStatus.words(['UNKNOWN'])).toEqual(['UNKNOWN']);
  });
});
