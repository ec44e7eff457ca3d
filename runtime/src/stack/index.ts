// @sinbin/runtime/stack: every function as its own process over a Kafka broker (make up).
export { startStack, type Stack, type StackOptions } from './stack';
export { freePort } from '../http/server';
export { FunctionProcess, WATCHDOG_DEFAULTS, type FunctionProcessOptions, type WatchdogOptions } from './processes';
export { createTopics, deleteTopicsAndGroups, topicPlan } from './topics';
export { redactStderrLine, StderrTail, STDERR_TAIL_LINES } from './stderr-tail';
