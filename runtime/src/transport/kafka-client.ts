// Which Kafka client library carries the connector's and publisher's traffic. Both sit behind the
// same small port (kafka-port.ts) and pass the same integration suite; see docs/kafka-clients.md
// for the comparison that chose the default.
import { z } from 'zod';

export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/** The client used when SINBIN_KAFKA_CLIENT is not set. */
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = 'kafkajs';

/** SINBIN_KAFKA_CLIENT, for the env schemas parsed at boot. */
export const kafkaClientVar = z.enum(KAFKA_CLIENTS).default(DEFAULT_KAFKA_CLIENT);
