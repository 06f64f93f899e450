// notes: searches the host's memory store (notes, documents, earlier conversations the host
// saved) and returns the best matches. A plugin can only search: it cannot list or export it.
import { Json, fail, inputJson, memorySearch, outputJson } from "warden-sdk";

export function search(): i32 {
  const request = inputJson();
  const query = request.getString("query");
  if (query.length == 0) return fail("input must be {\"query\": \"words to look for\"}");
  const limit = request.getInt("limit", 5);
  const hits = memorySearch(query);
  const notes = Json.array();
  for (let k = 0; k < hits.length && k < limit; k++) {
    const hit = hits[k];
    notes.push(Json.object().setInt("id", hit.id).setString("text", hit.text).setString("source", hit.source).setNumber("score", hit.score));
  }
  return outputJson(Json.object().setString("query", query).setInt("count", notes.length).set("notes", notes));
}
