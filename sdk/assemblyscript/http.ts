// HTTP through the host: only hosts the manifest lists under `network` and the operator granted
// are reached; any other request fails the call with PERMISSION_DENIED. Redirects are re-checked
// by the host at every hop.
import * as env from "./env";
import { Json, JsonValue } from "./json";
import { allocBytes, allocString, bytesOf, release, takeBytes, takeString, utf8 } from "./memory";

export class HttpResponse {
  constructor(public status: i32, public body: Uint8Array) {}

  /** The body as UTF-8 text. */
  text(): string { return utf8(this.body); }

  /** The body parsed as JSON; a body that is not JSON fails the call. */
  json(): JsonValue {
    const v = Json.parse(this.text());
    if (v == null) throw new Error("HTTP response from status " + this.status.toString() + " is not valid JSON: " + Json.lastError());
    return v;
  }

  /** True for a status from 200 to 299. */
  get ok(): bool { return this.status >= 200 && this.status < 300; }

  /** The response headers (names in lower case) as a JSON object. */
  headers: JsonValue = Json.object();

  /** Header `name` (any case), or null. */
  header(name: string): string | null {
    const v = this.headers.get(name.toLowerCase());
    return v == null ? null : v.asString();
  }
}

/**
 * A request, built step by step:
 * `new HttpRequest("https://api.example.com/x").method("POST").header("accept", "application/json").bodyString("{}").send()`.
 */
export class HttpRequest {
  private verb: string = "GET";
  private headerList: JsonValue = Json.object();
  private payload: Uint8Array | null = null;

  constructor(public url: string) {}

  method(verb: string): HttpRequest {
    this.verb = verb;
    return this;
  }

  header(name: string, value: string): HttpRequest {
    this.headerList.setString(name, value);
    return this;
  }

  body(data: Uint8Array): HttpRequest {
    this.payload = data;
    return this;
  }

  bodyString(text: string): HttpRequest { return this.body(bytesOf(text)); }

  /** Sends `value` as JSON, with `content-type: application/json`. */
  bodyJson(value: JsonValue): HttpRequest {
    this.header("content-type", "application/json");
    return this.bodyString(value.toString());
  }

  /** Sends the request and waits for the whole response. */
  send(): HttpResponse {
    const request = Json.object().setString("url", this.url).setString("method", this.verb).set("headers", this.headerList);
    const req = allocString(request.toString());
    const payload = this.payload;
    const body: u64 = payload == null ? 0 : allocBytes(payload);
    const result = takeBytes(env.http_request(req, body));
    release(body);
    release(req);
    const response = new HttpResponse(env.http_status_code(), result == null ? new Uint8Array(0) : result);
    const headers = takeString(env.http_headers());
    if (headers != null) {
      const parsed = Json.parse(headers);
      if (parsed != null && parsed.isObject()) response.headers = parsed;
    }
    return response;
  }
}

/** GET `url`. */
export function httpGet(url: string): HttpResponse {
  return new HttpRequest(url).send();
}
