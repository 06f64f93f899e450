// http-fetch: fetches a URL from a host the manifest allows. Any other host is refused by Warden
// before a connection is made (the call fails with PERMISSION_DENIED), and so is a redirect to one.
import { Json, fail, httpGet, inputJson, outputJson } from "warden-sdk";

const MAX_BODY_CHARS = 4096;

export function fetch(): i32 {
  const url = inputJson().getString("url");
  if (url.length == 0) return fail("input must be {\"url\": \"https://…\"}");
  const res = httpGet(url);
  const body = res.text();
  const type = res.header("content-type");
  const result = Json.object()
    .setInt("status", res.status)
    .setBool("ok", res.ok)
    .setString("body", body.length > MAX_BODY_CHARS ? body.substring(0, MAX_BODY_CHARS) : body)
    .setBool("truncated", body.length > MAX_BODY_CHARS);
  if (type != null) result.setString("contentType", type);
  return outputJson(result);
}
