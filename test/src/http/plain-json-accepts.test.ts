import { describe, expect, it } from 'vitest';
import { PlainJsonAccepts } from '../../../src/http/plain-json-accepts.js';

const PLAIN = 'application/json; charset=utf-8';

describe('PlainJsonAccepts', () => {
  it('remembers a header answered with plain JSON and a 200, and nothing else', () => {
    const accepts = new PlainJsonAccepts();
    accepts.learn('*/*', 200, PLAIN);
    accepts.learn('text/html', 406, PLAIN);
    accepts.learn('application/graphql-response+json', 200, 'application/graphql-response+json; charset=utf-8');
    accepts.learn(undefined, 200, PLAIN);
    expect(accepts.has('*/*')).toBe(true);
    expect(accepts.has('text/html')).toBe(false);
    expect(accepts.has('application/graphql-response+json')).toBe(false);
    expect(accepts.has(undefined)).toBe(false);
  });

  it('keeps the first headers it saw once it holds its bound', () => {
    const accepts = new PlainJsonAccepts(3);
    for (let i = 0; i < 10; i++) accepts.learn(`application/json;q=0.${i}`, 200, PLAIN);
    expect(accepts.size).toBe(3);
    expect(accepts.has('application/json;q=0.2')).toBe(true);
    expect(accepts.has('application/json;q=0.3')).toBe(false);
  });
});
