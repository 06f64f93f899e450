/**
 * The operator's config file (YAML, like the manifest): where plugins live, how much they are
 * trusted, limits, and a table per plugin id. Every field is checked here; unknown keys are
 * errors (typos in a security policy must not pass silently), except unknown permission strings,
 * which are ignored with a warning so a config written for a newer Warden still loads.
 */
import { z } from 'zod';
import { SECURITY_LEVELS, type SecurityLevel } from '../capabilities/grants.js';
import { CAPABILITY_RISK } from '../manifest/capabilities.js';
import { MAX_MEMORY_BYTES, MIN_MEMORY_BYTES, parseByteSize, parseDuration } from '../manifest/limits.js';
import { PLUGIN_ID, RESERVED_IDS } from '../manifest/schema.js';
import type { FieldPath } from '../manifest/problems.js';

/** Receives non-fatal findings (unknown permission strings). */
export type ConfigWarningSink = (path: FieldPath, message: string) => void;

const size = (min: number, max: number) => z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === undefined || n < min || n > max) {
    ctx.addIssue({ code: 'custom', message: `expected a size from ${min} bytes, such as "16MiB"`, input: v });
    return z.NEVER;
  }
  return n;
});

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseDuration(v);
  if (n === undefined || n < 1 || n > 2_147_483_647) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 5000 (ms) or "30s"', input: v });
    return z.NEVER;
  }
  return n;
});

const limits = z.strictObject({
  memory: size(MIN_MEMORY_BYTES, MAX_MEMORY_BYTES).optional(),
  timeout: duration.optional(),
  instances: z.number().int().min(1).max(64).optional(),
  module_size: size(1024, 512 * 1024 * 1024).optional(),
});

const configValue = z.union([z.string(), z.number(), z.boolean()]);

/** Permission strings are `kind` or `kind:item`, where kind is a capability kind. */
export function isKnownPermission(p: string): boolean {
  const kind = p.includes(':') ? p.slice(0, p.indexOf(':')) : p;
  return Object.hasOwn(CAPABILITY_RISK, kind) && !p.endsWith(':');
}

function pluginTable(onWarning: ConfigWarningSink) {
  return z.strictObject({
    enabled: z.boolean().optional(),
    permissions: z.array(z.string().min(1).max(1024)).max(256).optional().transform((list) => {
      const kept: string[] = [];
      (list ?? []).forEach((p, i) => {
        if (isKnownPermission(p)) kept.push(p);
        else onWarning(['permissions', i], `unknown permission "${p.slice(0, 64)}" ignored (a permission is a capability kind, optionally with ":item", e.g. storage:kv)`);
      });
      return kept;
    }),
    config: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/, 'a config key is 1–128 letters, digits, "_", "." or "-"'), configValue).optional(),
  });
}

/** Builds the config schema; `onWarning` receives unknown permission strings. */
export function configSchema(onWarning: ConfigWarningSink = () => {}) {
  return z.strictObject({
    data_dir: z.string().min(1).optional(),
    plugins_dir: z.string().min(1).optional(),
    auto_enable: z.boolean().default(true),
    security_level: z.enum(SECURITY_LEVELS as [SecurityLevel, ...SecurityLevel[]]).default('strict'),
    trusted_keys: z.array(z.string().min(1)).default([]),
    allow_remote_install: z.boolean().default(false),
    allowed_addresses: z.array(z.string().min(1)).default([]),
    limits: limits.default({}),
    plugins: z.unknown().optional().transform((v, ctx) => {
      if (v === undefined || v === null) return {} as Record<string, z.output<ReturnType<typeof pluginTable>>>;
      if (typeof v !== 'object' || Array.isArray(v)) {
        ctx.addIssue({ code: 'custom', message: 'expected a table per plugin id', input: v });
        return z.NEVER;
      }
      const out: [string, z.output<ReturnType<typeof pluginTable>>][] = [];
      for (const [id, table] of Object.entries(v)) {
        if (!PLUGIN_ID.test(id) || RESERVED_IDS.has(id)) ctx.addIssue({ code: 'custom', path: [id], message: 'is not a plugin id', input: id });
        const r = pluginTable((path, message) => onWarning(['plugins', id, ...path], message)).safeParse(table ?? {});
        if (!r.success) for (const i of r.error.issues) ctx.addIssue({ ...i, path: [id, ...i.path] } as never);
        else out.push([id, r.data]);
      }
      return Object.fromEntries(out);
    }),
  });
}

/** A validated config file. */
export type WardenConfig = z.output<ReturnType<typeof configSchema>>;
/** One plugin's table. */
export type PluginTable = WardenConfig['plugins'][string];
