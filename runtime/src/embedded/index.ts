// @sinbin/runtime/embedded: the whole pipeline in one process (make run).
export { startEmbedded, type EmbeddedOptions, type EmbeddedRuntime } from './runtime';
