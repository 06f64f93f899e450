// The call context: what the caller said the call is for, read-only. Warden passes the
// caller's JSON as it is; by convention it holds `session` (an id), `user` (an id, or an object
// with `id` and `name`) and `agent` (the calling agent's config).
import * as host from "./host";
import { Json, JsonValue } from "./json";
import { takeJson } from "./result";

export class CallContext {
  constructor(public json: JsonValue) {}

  /** The session id, or null. */
  session(): string | null {
    return this.text("session");
  }

  /** The user's id: `user` when it is a string, else `user.id`; null when absent. */
  user(): string | null {
    const u = this.json.get("user");
    if (u == null) return null;
    if (u.isString()) return u.asString();
    const id = u.get("id");
    return id != null && id.isString() ? id.asString() : null;
  }

  /** The user's display name (`user.name`), else the user id, else null. */
  userName(): string | null {
    const u = this.json.get("user");
    if (u != null && u.isObject()) {
      const name = u.get("name");
      if (name != null && name.isString()) return name.asString();
    }
    return this.user();
  }

  /** The agent config (`agent`), or null. */
  agent(): JsonValue | null {
    return this.json.get("agent");
  }

  private text(key: string): string | null {
    const v = this.json.get(key);
    return v != null && v.isString() ? v.asString() : null;
  }
}

/** The context of the current call (JSON null inside when the caller gave none). */
export function callContext(): CallContext {
  const parsed = takeJson(host.warden_context_get());
  return new CallContext(parsed == null ? Json.null() : parsed);
}
