export * from './types.js';
export * from './rules.js';
export * from './aggregation.js';
export * from './authorizer.js';
export * from './reviews.js';
export * from './bootstrap-policy.js';
export * from './memory-source.js';
export * from './controller-policy.js';
