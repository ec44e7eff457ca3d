// Prometheus metrics shared by every function; each process exposes them at GET /metrics.
import client from 'prom-client';

export const registry = new client.Registry();

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  eventsProcessed: new client.Counter({
    name: 'sinbin_events_processed_total',
    help: 'Events a function handled successfully, by function and topic.',
    labelNames: ['fn', 'topic'] as const,
    registers: [registry],
  }),
  eventsDeadLettered: new client.Counter({
    name: 'sinbin_events_dead_lettered_total',
    help: 'Events sent to a dead-letter topic, by function, topic and error code.',
    labelNames: ['fn', 'topic', 'code'] as const,
    registers: [registry],
  }),
  eventsRetried: new client.Counter({
    name: 'sinbin_events_retried_total',
    help: 'Deliveries that failed with a retriable error.',
    labelNames: ['fn', 'topic', 'code'] as const,
    registers: [registry],
  }),
  handlerSeconds: new client.Histogram({
    name: 'sinbin_handler_duration_seconds',
    help: 'Time a function spent on one event, publishing included.',
    labelNames: ['fn', 'topic'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  gatewayAccepted: new client.Counter({
    name: 'sinbin_gateway_messages_accepted_total',
    help: 'Chat messages accepted (202) by the gateway, by game.',
    labelNames: ['game'] as const,
    registers: [registry],
  }),
  gatewayRejected: new client.Counter({
    name: 'sinbin_gateway_requests_rejected_total',
    help: 'Gateway requests rejected, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  httpRequests: new client.Counter({
    name: 'sinbin_http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['fn', 'route', 'method', 'status'] as const,
    registers: [registry],
  }),
  httpSeconds: new client.Histogram({
    name: 'sinbin_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames: ['fn', 'route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  decisionLatency: new client.Histogram({
    name: 'sinbin_decision_latency_seconds',
    help: 'Gateway receipt to final decision, by deciding path.',
    labelNames: ['path'] as const,
    buckets: [...LATENCY_BUCKETS, 30, 60, 300, 900],
    registers: [registry],
  }),
  decisions: new client.Counter({
    name: 'sinbin_final_decisions_total',
    help: 'Final decisions published, by path, verdict and action.',
    labelNames: ['path', 'verdict', 'action'] as const,
    registers: [registry],
  }),
  coldStartSeconds: new client.Histogram({
    name: 'sinbin_cold_start_seconds',
    help: 'Scale-from-zero start time of a function, first event to ready.',
    labelNames: ['fn'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  }),
  instances: new client.Gauge({
    name: 'sinbin_function_instances',
    help: 'Running instances of a function (0 when scaled to zero).',
    labelNames: ['fn'] as const,
    registers: [registry],
  }),
};
