export * from './events';
export * from './topics';
export * from './errors';
export * from './config';
export * from './ports';
export * from './policy';
export * from './scoring/types';
export * from './transport/record';
export type { PipelineFunction, RunningFunction, FunctionServices } from './function';
