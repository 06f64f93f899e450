// vault-user: checks a token against the secret `api_token` the operator keeps in Warden's
// vault. The secret never leaves the plugin: not in the output, an error or a log line.
import { Json, fail, inputJson, outputJson, vaultGet } from "warden-sdk";

/** Compares without stopping at the first difference, so timing does not reveal a prefix. */
function sameText(a: string, b: string): bool {
  let diff = a.length ^ b.length;
  for (let k = 0; k < a.length; k++) diff |= a.charCodeAt(k) ^ (k < b.length ? b.charCodeAt(k) : 0);
  return diff == 0;
}

export function verify(): i32 {
  const token = inputJson().getString("token");
  const secret = vaultGet("api_token");
  if (secret == null) return fail("no api_token in the vault: the operator sets it with `warden vault set api_token` and grants vault:api_token");
  return outputJson(Json.object().setBool("valid", token.length > 0 && sameText(token, secret)));
}
