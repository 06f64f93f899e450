/**
 * The manifest schema. Every field is checked here, at the boundary, and the {@link Manifest}
 * type is derived from the schema so the two cannot drift apart. Nested objects are strict (an
 * unknown key in a tool or a config entry is an error: that is where typos such as `requried`
 * hide); unknown top-level keys are only warned about by the parser, so a manifest written for a
 * newer Warden still loads.
 */
import { z } from 'zod';
import { parseCapabilities } from './capabilities.js';
import { limitsSchema } from './limits.js';
import { normaliseParameters } from './parameters.js';
import type { FieldPath } from './problems.js';

/** Plugin ids: lowercase, safe as a file name, a URL segment and an object key. */
export const PLUGIN_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Ids that pass {@link PLUGIN_ID} but name built-in object properties. */
export const RESERVED_IDS: ReadonlySet<string> = new Set(['constructor', 'prototype', '__proto__']);
/** Tool names, as MCP clients accept them. */
export const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const MODULE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Receives the warnings found while the schema runs (unknown capabilities). */
export type WarningSink = (path: FieldPath, message: string) => void;

const pluginId = z
  .string()
  .regex(PLUGIN_ID, 'must be 1–64 lowercase letters, digits, "-" or "_", starting with a letter or digit')
  .refine((id) => !PLUGIN_ID.test(id) || !RESERVED_IDS.has(id), 'is a reserved name');

const wasmPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.includes('\0'), 'must be a relative path with "/" separators')
  .refine((p) => !p.split('/').includes('..'), 'must stay inside the plugin directory (no "..")');

const wasmModule = z.strictObject({
  path: wasmPath,
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits').transform((h) => h.toLowerCase()).optional(),
  name: z.string().regex(MODULE_NAME, 'must be 1–64 letters, digits, "_", "." or "-"').optional(),
});

const wasmList = z
  .preprocess((v) => (typeof v === 'string' ? [{ path: v }] : v), z.array(wasmModule).min(1).max(16))
  .superRefine((mods, ctx) => {
    const seen = new Set<string>();
    mods.forEach((m, i) => {
      if (mods.length > 1 && m.name === undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'required when there are several modules (the entry is "main", or the last one)' });
      if (m.name !== undefined && seen.has(m.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate module name "${m.name}"` });
      if (m.name !== undefined) seen.add(m.name);
    });
  });

const parameters = z.unknown().optional().transform((v, ctx) => {
  const { schema, issues } = normaliseParameters(v);
  for (const i of issues) ctx.addIssue({ code: 'custom', path: [...i.path] as (string | number)[], message: i.message, input: v });
  return schema ?? z.NEVER;
});

const tool = z.strictObject({
  name: z.string().regex(TOOL_NAME, 'must be 1–64 letters, digits, "_" or "-", starting with a letter'),
  description: z.string().min(1).max(4096),
  parameters,
});

const tools = z
  .array(tool)
  .max(256)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate tool name "${t.name}"` });
      seen.add(t.name);
    });
  });

const configEntry = z
  .strictObject({
    type: z.enum(['string', 'number', 'boolean']),
    required: z.boolean().default(false),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    description: z.string().max(1024).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.default !== undefined && typeof e.default !== e.type) ctx.addIssue({ code: 'custom', path: ['default'], message: `expected a ${e.type} (the key's type)` });
    if (e.required && e.default !== undefined) ctx.addIssue({ code: 'custom', path: ['default'], message: 'a required key has no default: drop one of the two' });
  });

/** One operator-facing config key. */
export type ConfigEntry = z.output<typeof configEntry>;

// Read by hand rather than with z.record: every key is checked (z.record skips `__proto__`
// silently) and the result is built with Object.fromEntries, which never touches a prototype.
const config = z.unknown().optional().transform((v, ctx) => {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    ctx.addIssue({ code: 'custom', message: 'expected a mapping of config keys', input: v });
    return z.NEVER;
  }
  const out: [string, ConfigEntry][] = [];
  for (const [key, entry] of Object.entries(v)) {
    if (!CONFIG_KEY.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'a config key is 1–128 letters, digits, "_", "." or "-", starting with a letter', input: key });
    const r = configEntry.safeParse(entry);
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ ...i, path: [key, ...i.path] } as never);
    else out.push([key, r.data]);
  }
  return Object.fromEntries(out) as Record<string, ConfigEntry>;
});

/** Builds the manifest schema; `onWarning` receives non-fatal findings such as unknown capabilities. */
export function manifestSchema(onWarning: WarningSink = () => {}) {
  const capabilities = z.unknown().optional().transform((v, ctx) => {
    const r = parseCapabilities(v);
    for (const e of r.errors) ctx.addIssue({ code: 'custom', path: [...e.path] as (string | number)[], message: e.message, input: v });
    for (const w of r.warnings) onWarning(['capabilities', ...w.path], w.message);
    return r.capabilities;
  });
  return z.object({
    name: pluginId,
    version: z
      .string({ error: (iss) => (iss.input === undefined ? 'required (expected a version such as "1.2.3")' : 'expected a version string such as "1.2.3" (YAML reads 1.0 as a number: quote it)') })
      .max(64).regex(SEMVER, 'expected a semantic version such as "1.2.3"'),
    author: z.string().min(1).max(256).optional(),
    description: z.string().min(1).max(4096),
    tools: tools.default([]),
    capabilities,
    wasm: wasmList.optional(),
    config,
    limits: limitsSchema.default({}),
  });
}

/** The manifest schema with warnings discarded (for tooling such as JSON Schema export). */
export const ManifestSchema = manifestSchema();

/** A validated, normalised plugin manifest. */
export type Manifest = z.output<typeof ManifestSchema>;

/** The top-level keys a manifest may have; others are warned about and ignored. */
export const MANIFEST_KEYS: readonly string[] = Object.keys(ManifestSchema.shape);
