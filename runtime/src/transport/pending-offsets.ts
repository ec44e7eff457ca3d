// Offsets a consumer has finished but not yet committed. Committing after every fetched batch
// costs a broker round trip (and a write to __consumer_offsets) per partition per fetch: at
// 600 msg/s that was ~200 commits/s per function. The connector commits these on a timer instead.

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, as Kafka commits it: last done + 1. */
  offset: string;
}

export class PendingOffsets {
  private readonly byPartition = new Map<string, TopicPartitionOffset>();

  /** Records that every record of the partition up to `lastDone` is done. Never moves back. */
  done(topic: string, partition: number, lastDone: string): void {
    const key = `${topic}\u0000${partition}`;
    const next = (BigInt(lastDone) + 1n).toString();
    const held = this.byPartition.get(key);
    if (held && BigInt(held.offset) >= BigInt(next)) return;
    this.byPartition.set(key, { topic, partition, offset: next });
  }

  /** The offsets to commit now; they are no longer pending (give them back if the commit fails). */
  take(): TopicPartitionOffset[] {
    const out = [...this.byPartition.values()];
    this.byPartition.clear();
    return out;
  }

  /** Puts back offsets whose commit failed, unless newer ones were recorded meanwhile. */
  restore(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) this.done(o.topic, o.partition, (BigInt(o.offset) - 1n).toString());
  }

  /** After a rebalance: forgets partitions this member no longer owns (their new owner commits them). */
  retain(assignment: Record<string, readonly number[]>): void {
    for (const [key, o] of this.byPartition) if (!assignment[o.topic]?.includes(o.partition)) this.byPartition.delete(key);
  }

  get size(): number {
    return this.byPartition.size;
  }
}
