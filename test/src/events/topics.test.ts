import { describe, expect, it } from 'vitest';
import { type RecordRef, timelineTopicIncident, topics } from '../../../src/events/topics.js';

const incident = (provider: string, nativeId: string): RecordRef => ({ provider, capability: 'incident', nativeId });

describe('topics', () => {
  it('names a timeline by provider instance and native ID, never by GraphQL global ID', () => {
    expect(topics.timeline(incident('pagerduty', 'Q1ABC'))).toBe('timeline/pagerduty/Q1ABC');
    expect(topics.incidents).toBe('incidents');
  });

  it.each([
    ['plain', incident('mock', 'P123')],
    ['slashes and spaces', incident('team/a b', 'ops/INC 42')],
    ['percent signs and unicode', incident('jira%20x', 'é/😀?#')],
  ])('reads the incident back from its timeline topic (%s)', (_, ref) => {
    expect(timelineTopicIncident(topics.timeline(ref))).toEqual(ref);
  });

  it('keeps records apart whose names would run together', () => {
    expect(topics.timeline(incident('a/b', 'c'))).not.toBe(topics.timeline(incident('a', 'b/c')));
  });

  it.each(['incidents', 'timeline/', 'timeline/pd', 'timeline/pd/', 'timeline//x', 'timeline/a/b/c', 'other/a/b'])(
    'reads %j as no timeline topic',
    (topic) => {
      expect(timelineTopicIncident(topic)).toBeNull();
    },
  );
});
