// @sinbin/runtime/stack: every function as its own process over a Kafka broker (make up).
export { freePort, startStack, type Stack, type StackOptions } from './stack';
export { createTopics, deleteTopicsAndGroups, topicPlan } from './topics';
