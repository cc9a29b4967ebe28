export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type QueryValue,
  type RequestOptions,
} from './client.js';
export { fanOut } from './fan-out.js';
export { probeHealth } from './health.js';
export { retryDelayMs } from './rate-limit.js';
export { redact, summarizeErrorBody } from './redact.js';
