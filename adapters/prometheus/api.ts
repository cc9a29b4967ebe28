/**
 * Shapes of the Prometheus HTTP API v1 answers we read. Errors (`{status: "error", errorType,
 * error}` with 400 for `bad_data`, 422 for `execution`) are summarized by the shared HTTP client,
 * which keeps the server's explanation: a parse error with its position is what an expert needs.
 */
export interface Envelope<T> {
  status: 'success' | 'error';
  data: T;
  warnings?: string[];
}

export interface MatrixResult {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  result: { metric: Record<string, string>; values?: [number, string][] }[];
}

export type MetadataResult = Record<string, { type: string; help: string; unit: string }[]>;
