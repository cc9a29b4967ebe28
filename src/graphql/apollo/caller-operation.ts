/**
 * Names the operation a caller runs on its context (its name, or its type and root fields), so
 * audit lines written on the data floor say which operation made a provider call.
 */
import { Kind } from 'graphql';
import type { OperationStep } from './request-steps.js';

export const nameCallerOperation: OperationStep = ({ operation, operationName, contextValue }) => {
  if (!operation) return;
  const roots = operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '…')).join(',');
  const name = operationName ? ` ${operationName}` : '';
  contextValue.caller.operation = `${operation.operation}${name} {${roots}}`;
};
