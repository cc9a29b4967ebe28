import { type DocumentNode, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { expandedFields } from '../../../src/graphql/expanded-fields.js';

function count(text: string): number {
  const document: DocumentNode = parse(text);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return expandedFields(document, operation);
}

describe('expandedFields', () => {
  it('counts every field of the operation, nested and in inline fragments', () => {
    expect(count('{ incidents(first: 1) { nodes { id title } } }')).toBe(4);
    expect(count('{ node(id: "x") { id ... on Incident { title service { name } } } }')).toBe(5);
  });

  it('counts a fragment wherever it is spread, fragments inside fragments too', () => {
    const text = `
      query { a: incident(id: "1") { ...I } b: incident(id: "2") { ...I } }
      fragment I on Incident { id service { ...S } team { name } }
      fragment S on Service { id name }
    `;
    // Each incident: id, service, its two fields, team, its name.
    expect(count(text)).toBe(2 * (1 + 6));
  });

  it('counts a document that expands to millions of fields from its few lines', () => {
    // Seven levels, each spreading the one below ten times through aliases.
    const levels = Array.from({ length: 7 }, (_, i) =>
      i === 6
        ? 'fragment L6 on Incident { id }'
        : `fragment L${i} on Incident { ${Array.from({ length: 10 }, (_, j) => `a${j}: node(id: "x") { ...on Incident { ...L${i + 1} } }`).join(' ')} }`,
    );
    // L6 is 1 field; each level above is ten of (a node field and the level below): 2,111,110 in L0.
    expect(count(`query { node(id: "x") { ... on Incident { ...L0 } } } ${levels.join(' ')}`)).toBe(2_111_111);
  });

  it('ends on a fragment that spreads itself, which validation refuses before this runs', () => {
    expect(count('query { node(id: "x") { ...F } } fragment F on Query { node(id: "y") { ...F } }')).toBe(2);
  });
});
