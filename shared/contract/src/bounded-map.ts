/** A Map that forgets its oldest entries past `capacity`. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  has(key: K): boolean {
    return this.map.has(key);
  }
  set(key: K, value: V): void {
    if (!this.map.has(key) && this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }
  delete(key: K): boolean {
    return this.map.delete(key);
  }
  /** Deletes the entries whose value matches; returns how many. */
  deleteWhere(match: (value: V) => boolean): number {
    let n = 0;
    for (const [k, v] of this.map) if (match(v) && this.map.delete(k)) n++;
    return n;
  }
  get size(): number {
    return this.map.size;
  }
}
