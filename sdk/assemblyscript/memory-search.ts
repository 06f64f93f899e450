// Searching the host's memory store (capability `memory: read`): plain words, best hits first,
// at most 20. There is no way to list or export the store.
import * as host from "./host";
import { allocString, release } from "./memory";
import { takeJson } from "./result";

export class MemoryHit {
  constructor(public id: i64, public text: string, public source: string, public score: f64) {}
}

/** The texts that match any word of `query`, best first. */
export function memorySearch(query: string): MemoryHit[] {
  const q = allocString(query);
  const list = takeJson(host.warden_memory_search(q));
  release(q);
  const hits: MemoryHit[] = [];
  if (list == null) return hits;
  for (let k = 0; k < list.length; k++) {
    const h = list.at(k)!;
    hits.push(new MemoryHit(h.getInt("id"), h.getString("text"), h.getString("source"), h.getNumber("score")));
  }
  return hits;
}
