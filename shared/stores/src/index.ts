// @sinbin/stores: the adapters of the store ports (@sinbin/contract's ports.ts): in memory, on
// PGlite or PostgreSQL (one SQL schema, shared/stores/src/schema.ts), objects on the filesystem.
export * from './memory';
export * from './sql';
export * from './postgres';
export * from './decisions-sql';
export * from './cases-sql';
export * from './lead-memory';
export * from './lead-sql';
export * from './filesystem';
export * from './store-set';
export * from './gateway-memory';
export * from './gateway-sql';
export * from './objects-minio';
export * from './registry-file';
export * from './registry-mlflow';
export * from './lifecycle-stores';
export * from './trust-memory';
export * from './trust-sql';
export { MIGRATIONS } from './schema';
export * from './retention';
