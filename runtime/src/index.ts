// @sinbin/runtime: hosting. The standalone HTTP process a function runs in (behind of-watchdog or
// as a Knative container), the topic connectors and publishers, the in-process bus, and the
// embedded and local-stack runners. Functions import only runStandalone (their server.ts).
export { runStandalone } from './http/standalone';
export { startEmbedded, type EmbeddedOptions, type EmbeddedRuntime } from './embedded/runtime';
export { startStack, type Stack, type StackOptions } from './stack/stack';
export { createTopics, deleteTopicsAndGroups, topicPlan } from './stack/topics';
export { boot, httpPorts, parseFunctionConfigs } from './boot';
export { servicesFor, startFunction } from './services';
export { createLogger, silentLogger } from './log';
export { noMetrics, promMetrics, registry as metricsRegistry } from './metrics';
export { processDelivery, deadLetter, type DeliveryOutcome } from './consume';
export { closeServer, createFunctionServer, listen } from './http/server';
export { postBody } from './http/post';
export { MemoryBus } from './transport/memory-bus';
export { KafkaPublisher } from './transport/kafka-publisher';
export { TopicConnector } from './transport/kafka-connector';
export * from './transport/decoders';
export { withDevCredentials } from './dev-credentials';
