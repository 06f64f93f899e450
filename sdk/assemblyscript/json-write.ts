// Compact JSON text for a JsonValue. Strings are escaped so that the text is valid JSON and
// valid UTF-8 whatever they hold: control characters and lone surrogates become \u escapes.
import { JsonKind, JsonValue } from "./json";

const HEX = "0123456789abcdef";

export function writeJson(v: JsonValue): string {
  const out: string[] = [];
  write(v, out);
  return out.join("");
}

function write(v: JsonValue, out: string[]): void {
  switch (v.kind) {
    case JsonKind.Null: out.push("null"); break;
    case JsonKind.Bool: out.push(v.b ? "true" : "false"); break;
    case JsonKind.Number: out.push(numberText(v)); break;
    case JsonKind.String: quote(v.s, out); break;
    case JsonKind.Array: {
      const items = v.items!;
      out.push("[");
      for (let k = 0; k < items.length; k++) {
        if (k > 0) out.push(",");
        write(unchecked(items[k]), out);
      }
      out.push("]");
      break;
    }
    default: {
      const names = v.names!;
      const items = v.items!;
      out.push("{");
      for (let k = 0; k < names.length; k++) {
        if (k > 0) out.push(",");
        quote(unchecked(names[k]), out);
        out.push(":");
        write(unchecked(items[k]), out);
      }
      out.push("}");
    }
  }
}

function numberText(v: JsonValue): string {
  if (v.isInt) return v.i.toString();
  const n = v.n;
  if (!isFinite(n)) return "null"; // JSON has no NaN or Infinity
  if (n == Math.trunc(n) && Math.abs(n) < 9007199254740992) return (<i64>n).toString();
  return n.toString();
}

function unicodeEscape(c: i32, out: string[]): void {
  out.push("\\u" + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15));
}

function quote(s: string, out: string[]): void {
  out.push("\"");
  let start = 0;
  const n = s.length;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    const plain = c >= 0x20 && c != 0x22 && c != 0x5c && (c < 0xd800 || c > 0xdfff);
    if (c >= 0xd800 && c <= 0xdbff && k + 1 < n) {
      const d = s.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        k++; // a valid pair passes through
        continue;
      }
    }
    if (plain) continue;
    if (k > start) out.push(s.substring(start, k));
    if (c == 0x22) out.push("\\\"");
    else if (c == 0x5c) out.push("\\\\");
    else if (c == 0x0a) out.push("\\n");
    else if (c == 0x0d) out.push("\\r");
    else if (c == 0x09) out.push("\\t");
    else unicodeEscape(c, out);
    start = k + 1;
  }
  if (n > start) out.push(s.substring(start, n));
  out.push("\"");
}
