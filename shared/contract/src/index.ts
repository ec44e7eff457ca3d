// @sinbin/contract: what every function, adapter and runtime agrees on. Depends on zod alone and
// imports no adapter; the UI imports its types.
export * from './events';
export * from './topics';
export * from './records';
export * from './errors';
export * from './api-errors';
export * from './config';
export * from './ports';
export * from './lifecycle';
export * from './lead-ports';
export * from './policy';
export * from './policy-diff';
export * from './policy-versions';
export * from './scorer';
export * from './function';
export * from './http';
export * from './moderation-api';
export * from './ids';
export * from './coalesce';
export * from './bounded-map';
export * from './legacy-names.mjs';
export * from './gateway-api';
export * from './perspective-api';
export * from './trust';
export * from './trust-ports';
export * from './term-lists';
export * from './trust-api';
