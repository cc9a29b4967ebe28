export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type QueryValue,
  type RequestOptions,
} from './client.js';
export { fanOut } from './fan-out.js';
export { probeHealth } from './health.js';
export { DEFAULT_MAX_PAGES, pageCounter } from './pages.js';
export { retryDelayMs } from './rate-limit.js';
export { redact, summarizeErrorBody } from './redact.js';
export { withSubResources } from './sub-resource.js';
