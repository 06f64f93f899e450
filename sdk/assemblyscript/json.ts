// A small JSON value for plugins: read what the parser built, build what the plugin sends, and
// write it out. Objects keep their keys in insertion order; numbers written as integers keep
// their exact i64 value (ids above 2^53 survive a round trip).
import { parseJson, lastParseError } from "./json-parse";
import { writeJson } from "./json-write";

/** What a {@link JsonValue} holds. */
export enum JsonKind { Null, Bool, Number, String, Array, Object }

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  /** @internal */ b: bool = false;
  /** @internal */ n: f64 = 0;
  /** @internal true when the number is an integer held exactly in `i`. */ isInt: bool = false;
  /** @internal */ i: i64 = 0;
  /** @internal */ s: string = "";
  /** @internal array items, or object values */ items: JsonValue[] | null = null;
  /** @internal object keys, parallel to `items` */ names: string[] | null = null;

  isNull(): bool { return this.kind == JsonKind.Null; }
  isBool(): bool { return this.kind == JsonKind.Bool; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isString(): bool { return this.kind == JsonKind.String; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isObject(): bool { return this.kind == JsonKind.Object; }

  /** The string, or `fallback` when this is not a string. */
  asString(fallback: string = ""): string { return this.kind == JsonKind.String ? this.s : fallback; }
  /** The number, or `fallback` when this is not a number. */
  asNumber(fallback: f64 = 0): f64 { return this.kind == JsonKind.Number ? this.n : fallback; }
  /** The number as an integer (exact for integer literals, truncated otherwise), or `fallback`. */
  asInt(fallback: i64 = 0): i64 {
    if (this.kind != JsonKind.Number) return fallback;
    if (this.isInt) return this.i;
    return isFinite(this.n) ? <i64>this.n : fallback;
  }
  /** The boolean, or `fallback` when this is not a boolean. */
  asBool(fallback: bool = false): bool { return this.kind == JsonKind.Bool ? this.b : fallback; }

  /** Items of an array or members of an object; 0 for anything else. */
  get length(): i32 {
    const items = this.items;
    return items == null ? 0 : items.length;
  }

  /** Item `index` of an array, or null. */
  at(index: i32): JsonValue | null {
    const items = this.items;
    if (this.kind != JsonKind.Array || items == null || index < 0 || index >= items.length) return null;
    return unchecked(items[index]);
  }

  /** The object's keys in order (an empty list for anything else). */
  keys(): string[] {
    const names = this.names;
    return names == null ? [] : names.slice(0);
  }

  /** Member `key` of an object (the last one if the text repeated it), or null. */
  get(key: string): JsonValue | null {
    const names = this.names;
    const items = this.items;
    if (this.kind != JsonKind.Object || names == null || items == null) return null;
    for (let k = names.length - 1; k >= 0; k--) if (unchecked(names[k]) == key) return unchecked(items[k]);
    return null;
  }

  has(key: string): bool { return this.get(key) != null; }

  /** Member `key` when it is a string, else `fallback`. */
  getString(key: string, fallback: string = ""): string {
    const v = this.get(key);
    return v == null ? fallback : v.asString(fallback);
  }
  getNumber(key: string, fallback: f64 = 0): f64 {
    const v = this.get(key);
    return v == null ? fallback : v.asNumber(fallback);
  }
  getInt(key: string, fallback: i64 = 0): i64 {
    const v = this.get(key);
    return v == null ? fallback : v.asInt(fallback);
  }
  getBool(key: string, fallback: bool = false): bool {
    const v = this.get(key);
    return v == null ? fallback : v.asBool(fallback);
  }

  /** Sets member `key` of an object (replacing it); returns this object, for chaining. */
  set(key: string, value: JsonValue): JsonValue {
    if (this.kind != JsonKind.Object) throw new Error("JsonValue.set: not an object");
    const names = this.names!;
    const items = this.items!;
    for (let k = 0; k < names.length; k++) {
      if (unchecked(names[k]) == key) {
        unchecked(items[k] = value);
        return this;
      }
    }
    names.push(key);
    items.push(value);
    return this;
  }
  setString(key: string, value: string): JsonValue { return this.set(key, Json.string(value)); }
  setNumber(key: string, value: f64): JsonValue { return this.set(key, Json.number(value)); }
  setInt(key: string, value: i64): JsonValue { return this.set(key, Json.integer(value)); }
  setBool(key: string, value: bool): JsonValue { return this.set(key, Json.bool(value)); }
  setNull(key: string): JsonValue { return this.set(key, Json.null()); }

  /** Appends to an array; returns this array, for chaining. */
  push(value: JsonValue): JsonValue {
    if (this.kind != JsonKind.Array) throw new Error("JsonValue.push: not an array");
    this.items!.push(value);
    return this;
  }
  pushString(value: string): JsonValue { return this.push(Json.string(value)); }

  /** The value as compact JSON text. */
  toString(): string { return writeJson(this); }
}

/** Building, parsing and writing JSON. */
export class Json {
  static null(): JsonValue { return new JsonValue(); }
  static bool(value: bool): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Bool;
    v.b = value;
    return v;
  }
  static number(value: f64): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v.n = value;
    return v;
  }
  static integer(value: i64): JsonValue {
    const v = Json.number(<f64>value);
    v.isInt = true;
    v.i = value;
    return v;
  }
  static string(value: string): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.String;
    v.s = value;
    return v;
  }
  static array(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Array;
    v.items = [];
    return v;
  }
  static object(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Object;
    v.items = [];
    v.names = [];
    return v;
  }
  /** An array of strings. */
  static strings(values: string[]): JsonValue {
    const v = Json.array();
    for (let k = 0; k < values.length; k++) v.pushString(unchecked(values[k]));
    return v;
  }

  /** Parses JSON text; null when it is not valid JSON ({@link Json.lastError} says why). */
  static parse(text: string): JsonValue | null { return parseJson(text); }
  /** Why the last {@link Json.parse} returned null. */
  static lastError(): string { return lastParseError(); }
  /** `value` as compact JSON text. */
  static stringify(value: JsonValue): string { return writeJson(value); }
  /** `text` as a JSON string literal, quotes included. */
  static quote(text: string): string { return writeJson(Json.string(text)); }
}
