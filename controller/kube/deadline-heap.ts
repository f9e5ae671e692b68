/**
 * Min-heap of keys ordered by deadline, at most one entry per key. It backs the delaying
 * queue's waiting set so the next deadline is found in O(1) and a single timer suffices.
 */
export interface DeadlineHeap {
  /**
   * Schedules `key` at `at`, or moves it earlier if it is already scheduled later. A later
   * deadline for a scheduled key is ignored: client-go's waitingForQueue lets the earliest
   * ready time win. Returns whether the key's deadline changed.
   */
  scheduleEarliest(key: string, at: number): boolean;
  /** The entry with the smallest deadline, without removing it. */
  peek(): { key: string; at: number } | undefined;
  /** Removes and returns the entry with the smallest deadline. */
  pop(): { key: string; at: number } | undefined;
  clear(): void;
  readonly size: number;
}

interface Entry {
  key: string;
  at: number;
  // Insertion sequence breaks ties so equal deadlines leave in the order they were scheduled,
  // which keeps the queue's FIFO fairness for items that become ready together.
  seq: number;
}

export function createDeadlineHeap(): DeadlineHeap {
  const heap: Entry[] = [];
  // Position of each key in `heap`, kept in sync by every swap, so moving a key earlier is
  // O(log n) instead of a scan.
  const index = new Map<string, number>();
  let seq = 0;

  const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

  const place = (i: number, entry: Entry): void => {
    heap[i] = entry;
    index.set(entry.key, i);
  };

  const siftUp = (start: number): void => {
    let i = start;
    const entry = heap[i];
    if (entry === undefined) return;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent === undefined || !before(entry, parent)) break;
      place(i, parent);
      i = parentIndex;
    }
    place(i, entry);
  };

  const siftDown = (start: number): void => {
    let i = start;
    const entry = heap[i];
    if (entry === undefined) return;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = entry;
      let smallestIndex = i;
      const l = heap[left];
      if (l !== undefined && before(l, smallest)) {
        smallest = l;
        smallestIndex = left;
      }
      const r = heap[right];
      if (r !== undefined && before(r, smallest)) {
        smallest = r;
        smallestIndex = right;
      }
      if (smallestIndex === i) break;
      place(i, smallest);
      i = smallestIndex;
    }
    place(i, entry);
  };

  return {
    scheduleEarliest(key, at) {
      const i = index.get(key);
      if (i === undefined) {
        heap.push({ key, at, seq: seq++ });
        index.set(key, heap.length - 1);
        siftUp(heap.length - 1);
        return true;
      }
      const entry = heap[i];
      if (entry === undefined || at >= entry.at) return false;
      entry.at = at;
      siftUp(i);
      return true;
    },
    peek() {
      const top = heap[0];
      return top === undefined ? undefined : { key: top.key, at: top.at };
    },
    pop() {
      const top = heap[0];
      if (top === undefined) return undefined;
      index.delete(top.key);
      const last = heap.pop();
      if (last !== undefined && last !== top) {
        place(0, last);
        siftDown(0);
      }
      return { key: top.key, at: top.at };
    },
    clear() {
      heap.length = 0;
      index.clear();
    },
    get size() {
      return heap.length;
    },
  };
}
