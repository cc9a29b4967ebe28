/**
 * Each MCP tool is a GraphQL operation kept as a `.graphql` file beside this module, so agents and
 * consoles share one typed contract and `npm test` validates every tool against the schema. The
 * record fragments live in `fragments.graphql`; an operation carries only the ones it uses.
 */
import { readFileSync } from 'node:fs';
import {
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  parse,
  print,
  visit,
} from 'graphql';

const DIR = new URL('./operations/', import.meta.url);

let fragments: Map<string, FragmentDefinitionNode> | undefined;

function fragmentDefinitions(): Map<string, FragmentDefinitionNode> {
  fragments ??= new Map(
    parse(readFileSync(new URL('fragments.graphql', DIR), 'utf8'))
      .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return fragments;
}

function spreadsIn(node: DefinitionNode): string[] {
  const names: string[] = [];
  visit(node, {
    FragmentSpread(spread) {
      names.push(spread.name.value);
    },
  });
  return names;
}

/** The operation in `<name>.graphql` with the fragments it reaches, as one document's source. */
function load(name: string): string {
  const operation = parse(readFileSync(new URL(`${name}.graphql`, DIR), 'utf8'));
  const available = fragmentDefinitions();
  const needed = new Map<string, FragmentDefinitionNode>();
  const pending = operation.definitions.flatMap(spreadsIn);
  while (pending.length > 0) {
    const next = pending.pop() as string;
    const fragment = available.get(next);
    if (!fragment) throw new Error(`MCP operation ${name} uses unknown fragment ${next}`);
    if (needed.has(next)) continue;
    needed.set(next, fragment);
    pending.push(...spreadsIn(fragment));
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...operation.definitions, ...needed.values()] };
  return print(document);
}

/** The operations are a fixed set of files, so every one is read and kept once. */
const sources = new Map<string, string>();

export function operationSource(name: string): string {
  let source = sources.get(name);
  if (source === undefined) {
    source = load(name);
    sources.set(name, source);
  }
  return source;
}
