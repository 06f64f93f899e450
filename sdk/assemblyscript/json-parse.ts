// A strict JSON parser (RFC 8259) over the UTF-16 text AssemblyScript strings hold. Input comes
// from outside the plugin, so it never traps: bad text, or nesting deeper than MAX_DEPTH, makes
// parseJson return null and lastParseError say where.
import { Json, JsonValue } from "./json";

/** Arrays and objects nest at most this deep. */
export const MAX_DEPTH: i32 = 128;

let error: string = "";

export function lastParseError(): string {
  return error;
}

export function parseJson(text: string): JsonValue | null {
  const p = new Parser(text);
  error = "";
  const v = p.value(0);
  if (v == null) {
    error = p.problem;
    return null;
  }
  p.space();
  if (p.pos < text.length) {
    error = "unexpected text after the JSON value at " + p.pos.toString();
    return null;
  }
  return v;
}

class Parser {
  pos: i32 = 0;
  problem: string = "";
  constructor(public text: string) {}

  fail(what: string): JsonValue | null {
    if (this.problem.length == 0) this.problem = what + " at " + this.pos.toString();
    return null;
  }

  peek(): i32 {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  space(): void {
    while (true) {
      const c = this.peek();
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.pos++;
    }
  }

  word(w: string): bool {
    if (this.text.substr(this.pos, w.length) != w) return false;
    this.pos += w.length;
    return true;
  }

  value(depth: i32): JsonValue | null {
    this.space();
    const c = this.peek();
    if (c == 0x7b) return this.object(depth + 1);
    if (c == 0x5b) return this.array(depth + 1);
    if (c == 0x22) {
      const s = this.string();
      return s == null ? null : Json.string(s);
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.word("true")) return Json.bool(true);
    if (this.word("false")) return Json.bool(false);
    if (this.word("null")) return Json.null();
    return this.fail(c < 0 ? "unexpected end of JSON" : "unexpected character");
  }

  object(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) return this.fail("nested deeper than " + MAX_DEPTH.toString());
    this.pos++;
    const obj = Json.object();
    this.space();
    if (this.peek() == 0x7d) {
      this.pos++;
      return obj;
    }
    while (true) {
      this.space();
      if (this.peek() != 0x22) return this.fail("expected a string key");
      const key = this.string();
      if (key == null) return null;
      this.space();
      if (this.peek() != 0x3a) return this.fail("expected ':'");
      this.pos++;
      const v = this.value(depth);
      if (v == null) return null;
      // Appended, not set(): parsing stays linear; get() reads the last of repeated keys.
      obj.names!.push(key);
      obj.items!.push(v);
      this.space();
      const c = this.peek();
      this.pos++;
      if (c == 0x7d) return obj;
      if (c != 0x2c) return this.fail("expected ',' or '}'");
    }
  }

  array(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) return this.fail("nested deeper than " + MAX_DEPTH.toString());
    this.pos++;
    const arr = Json.array();
    this.space();
    if (this.peek() == 0x5d) {
      this.pos++;
      return arr;
    }
    while (true) {
      const v = this.value(depth);
      if (v == null) return null;
      arr.items!.push(v);
      this.space();
      const c = this.peek();
      this.pos++;
      if (c == 0x5d) return arr;
      if (c != 0x2c) return this.fail("expected ',' or ']'");
    }
  }

  hex4(): i32 {
    if (this.pos + 4 > this.text.length) return -1;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.text.charCodeAt(this.pos + k);
      let d: i32;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else return -1;
      v = (v << 4) | d;
    }
    this.pos += 4;
    return v;
  }

  /** A string literal at pos (which holds the opening quote), unescaped; null on error. */
  string(): string | null {
    this.pos++;
    const parts: string[] = [];
    let start = this.pos;
    while (true) {
      if (this.pos >= this.text.length) {
        this.fail("unterminated string");
        return null;
      }
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x22) break;
      if (c < 0x20) {
        this.fail("control character in string");
        return null;
      }
      if (c != 0x5c) {
        this.pos++;
        continue;
      }
      parts.push(this.text.substring(start, this.pos));
      this.pos++;
      const e = this.peek();
      this.pos++;
      if (e == 0x22) parts.push("\"");
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        const u = this.hex4();
        if (u < 0) {
          this.fail("bad \\u escape");
          return null;
        }
        parts.push(String.fromCharCode(u));
      } else {
        this.pos--;
        this.fail("bad escape");
        return null;
      }
      start = this.pos;
    }
    parts.push(this.text.substring(start, this.pos));
    this.pos++;
    return parts.length == 1 ? unchecked(parts[0]) : parts.join("");
  }

  number(): JsonValue | null {
    const start = this.pos;
    if (this.peek() == 0x2d) this.pos++;
    const first = this.peek();
    if (first == 0x30) this.pos++;
    else if (first >= 0x31 && first <= 0x39) this.digits();
    else return this.fail("bad number");
    let integer = true;
    if (this.peek() == 0x2e) {
      integer = false;
      this.pos++;
      if (this.digits() == 0) return this.fail("bad number");
    }
    const e = this.peek();
    if (e == 0x65 || e == 0x45) {
      integer = false;
      this.pos++;
      const sign = this.peek();
      if (sign == 0x2b || sign == 0x2d) this.pos++;
      if (this.digits() == 0) return this.fail("bad number");
    }
    const literal = this.text.substring(start, this.pos);
    // 18 digits always fit in an i64; longer integers are kept as f64.
    if (integer && literal.length <= 18) return Json.integer(I64.parseInt(literal, 10));
    return Json.number(F64.parseFloat(literal));
  }

  digits(): i32 {
    const start = this.pos;
    while (true) {
      const c = this.peek();
      if (c < 0x30 || c > 0x39) return this.pos - start;
      this.pos++;
    }
  }
}
