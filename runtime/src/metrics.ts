// Prometheus metrics: the runtime's own (deliveries, HTTP, cold starts) and those functions
// declare through the Metrics port. Each process exposes its registry at GET /metrics.
import client from 'prom-client';
import type { Counter, Gauge, Histogram, Metrics, MetricSpec } from '@sinbin/contract';

export const registry = new client.Registry();

/** Records a consumer group has not committed yet, per function and topic. */
export interface ConsumerLag {
  fn: string;
  topic: string;
  lag: number;
}

const lagSources = new Set<() => Iterable<ConsumerLag>>();

/** Adds what sinbin_consumer_lag reports at each scrape; returns the undo. */
export function reportConsumerLag(source: () => Iterable<ConsumerLag>): () => void {
  lagSources.add(source);
  return () => void lagSources.delete(source);
}

export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

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
  coldStartSeconds: new client.Histogram({
    name: 'sinbin_cold_start_seconds',
    help: 'Scale-from-zero start time of a function, first event to ready.',
    labelNames: ['fn'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  }),
  consumerLag: new client.Gauge({
    name: 'sinbin_consumer_lag',
    help: 'Records on a topic that the function (its consumer group) has not committed yet: how far behind it is.',
    labelNames: ['fn', 'topic'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const source of lagSources) for (const { fn, topic, lag } of source()) this.set({ fn, topic }, lag);
    },
  }),
  instances: new client.Gauge({
    name: 'sinbin_function_instances',
    help: 'Running instances of a function (0 when scaled to zero).',
    labelNames: ['fn'] as const,
    registers: [registry],
  }),
};

/**
 * The Metrics port on prom-client, registering into the process registry. A name declared again
 * (an instance that scaled to zero and back, two functions in one process) gets the same metric.
 */
export const promMetrics: Metrics = {
  counter<L extends string>(spec: MetricSpec<L>): Counter<L> {
    const metric = (registry.getSingleMetric(spec.name) as client.Counter<L> | undefined) ?? new client.Counter({ ...spec, labelNames: [...spec.labelNames], registers: [registry] });
    return { inc: (labels, value) => metric.inc(labels as Partial<Record<L, string>>, value ?? 1) };
  },
  histogram<L extends string>(spec: MetricSpec<L> & { buckets: readonly number[] }): Histogram<L> {
    const metric =
      (registry.getSingleMetric(spec.name) as client.Histogram<L> | undefined) ??
      new client.Histogram({ ...spec, labelNames: [...spec.labelNames], buckets: [...spec.buckets], registers: [registry] });
    return { observe: (labels, value) => metric.observe(labels as Partial<Record<L, string>>, value) };
  },
  gauge<L extends string>(spec: MetricSpec<L>): Gauge<L> {
    const metric = (registry.getSingleMetric(spec.name) as client.Gauge<L> | undefined) ?? new client.Gauge({ ...spec, labelNames: [...spec.labelNames], registers: [registry] });
    return { set: (labels, value) => metric.set(labels as Partial<Record<L, string>>, value) };
  },
};

/** Metrics that go nowhere, for tests of a function's wiring. */
export const noMetrics: Metrics = {
  counter: () => ({ inc: () => undefined }),
  histogram: () => ({ observe: () => undefined }),
  gauge: () => ({ set: () => undefined }),
};
