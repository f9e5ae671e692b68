/** First-in first-out buffer with O(1) amortised push and shift. */
export interface Fifo<T> {
  push(value: T): void;
  shift(): T | undefined;
  readonly length: number;
}

// Array.prototype.shift is O(n); a requeue storm can put thousands of keys in the queue, so
// read from a moving head and compact only once the dead prefix dominates the array.
const COMPACT_AFTER = 1024;

export function createFifo<T>(): Fifo<T> {
  let items: T[] = [];
  let head = 0;
  return {
    push(value) {
      items.push(value);
    },
    shift() {
      if (head >= items.length) return undefined;
      const value = items[head];
      head++;
      if (head === items.length) {
        items = [];
        head = 0;
      } else if (head >= COMPACT_AFTER && head * 2 >= items.length) {
        items = items.slice(head);
        head = 0;
      }
      return value;
    },
    get length() {
      return items.length - head;
    },
  };
}
