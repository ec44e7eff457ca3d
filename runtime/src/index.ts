// @sinbin/runtime: hosting. The standalone HTTP process a function runs in (behind of-watchdog or
// as a Knative container), the topic connectors and publishers, the in-process bus. The runners
// have entries of their own, so a function's bundle never carries them: @sinbin/runtime/embedded
// (make run) and @sinbin/runtime/stack (make up, esbuild bundles, topic creation).
export { runStandalone } from './http/standalone';
export { boot, httpPorts, parseFunctionConfigs } from './boot';
export { servicesFor, startFunction } from './services';
export { createLogger, silentLogger } from './log';
export { noMetrics, promMetrics, registry as metricsRegistry } from './metrics';
export { processDelivery, deadLetter, type DeliveryOutcome } from './consume';
export { closeServer, createFunctionServer, freePort, listen } from './http/server';
export { postBody } from './http/post';
export { MemoryBus } from './transport/memory-bus';
export { KafkaPublisher } from './transport/kafka-publisher';
export { TopicConnector } from './transport/kafka-connector';
export { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, kafkaClientVar, type KafkaClientName } from './transport/kafka-client';
export * from './transport/decoders';
export { withDevCredentials } from './dev-credentials';
