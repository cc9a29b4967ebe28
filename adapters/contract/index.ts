export * from './cancel.js';
export * from './capabilities.js';
export * from './deep-freeze.js';
export * from './errors.js';
export * from './filters.js';
export * from './models.js';
export * from './paging.js';
export * from './timestamps.js';
