// The plugin's config: values the operator set (`warden plugin config`), or the manifest's
// defaults.
import * as env from "./env";
import { allocString, release, takeString } from "./memory";

/** Config value `key`, or null when it has none. */
export function configGet(key: string): string | null {
  const k = allocString(key);
  const value = takeString(env.config_get(k));
  release(k);
  return value;
}

/** Config value `key`, or `fallback` when it has none. */
export function configGetOr(key: string, fallback: string): string {
  const value = configGet(key);
  return value == null ? fallback : value;
}
