/**
 * Reads what Warden needs to know about a module before it is compiled: function types, imports
 * and exports with their signatures, memories and where their limits sit in the bytes (so they can
 * be rewritten), and the counts that the size caps apply to. It never trusts the bytes: everything
 * goes through the bounds-checked {@link Reader}.
 */
import { Reader } from './reader.js';

/** A WebAssembly value type as it appears in a signature. */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

/** A function signature. */
export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** Memory limits, with the byte range of the encoded limits inside the module. */
export interface MemoryLimits {
  min: number;
  max: number | undefined;
  shared: boolean;
  memory64: boolean;
  /** [start, end) of the encoded limits (flag byte + LEBs) in the module bytes. */
  range: [number, number];
}

/** A table the module defines itself: its element type and size limits, in elements. */
export interface TableInfo {
  element: ValType;
  min: number;
  max: number | undefined;
}

export type ImportDesc =
  | { kind: 'function'; type: FuncType }
  | { kind: 'memory'; limits: MemoryLimits }
  | { kind: 'table' }
  | { kind: 'global' }
  | { kind: 'tag' };

export type Import = { module: string; name: string } & ImportDesc;

export interface Export {
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  index: number;
}

export interface Section {
  id: number;
  /** [start, end) of the section payload. */
  range: [number, number];
  /** Custom sections only. */
  name?: string;
}

/** Everything Warden reads from a module before compiling it. */
export interface ModuleInfo {
  sections: Section[];
  types: FuncType[];
  imports: Import[];
  exports: Export[];
  /** Memories the module defines itself (not imported). */
  memories: MemoryLimits[];
  /** Signature of every function, imported ones first (the function index space). */
  functionTypes: FuncType[];
  definedFunctions: number;
  tables: number;
  /** Tables the module defines itself (not imported), in order. */
  definedTables: TableInfo[];
  globals: number;
  dataSegments: number;
  codeBytes: number;
  dataBytes: number;
  hasStart: boolean;
}

const VAL_TYPES: Record<number, ValType> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};
const EXPORT_KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

function valType(r: Reader): ValType {
  const b = r.byte();
  return VAL_TYPES[b] ?? r.fail(`unsupported value type 0x${b.toString(16)}`);
}

function limits(r: Reader): MemoryLimits {
  const start = r.pos;
  const flags = r.byte();
  if (flags > 0x07) r.fail(`unsupported limits flags 0x${flags.toString(16)}`);
  const memory64 = (flags & 0x04) !== 0;
  const read = (): number => (memory64 ? Number(r.u64()) : r.u32());
  const min = read();
  const max = flags & 0x01 ? read() : undefined;
  return { min, max, shared: (flags & 0x02) !== 0, memory64, range: [start, r.pos] };
}

function tableType(r: Reader): TableInfo {
  const element = valType(r);
  const { min, max } = limits(r);
  return { element, min, max };
}

function vec<T>(r: Reader, item: () => T): T[] {
  const n = r.u32();
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(item());
  return out;
}

/** Parses the module's sections. Throws `INVALID_WASM` on malformed bytes. */
export function readModuleInfo(bytes: Uint8Array): ModuleInfo {
  const r = new Reader(bytes);
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    r.fail('missing the \\0asm magic number (is this a WebAssembly file?)');
  }
  const version = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24);
  if (version !== 1) r.fail(`unsupported binary version ${version} (components are not plugins)`);
  r.pos = 8;

  const info: ModuleInfo = {
    sections: [], types: [], imports: [], exports: [], memories: [], functionTypes: [], definedTables: [],
    definedFunctions: 0, tables: 0, globals: 0, dataSegments: 0, codeBytes: 0, dataBytes: 0, hasStart: false,
  };
  const definedTypeIndices: number[] = [];

  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    const s = new Reader(bytes, start, start + size);
    const section: Section = { id, range: [start, start + size] };
    switch (id) {
      case 0:
        section.name = s.name();
        section.range = [s.pos, start + size];
        break;
      case 1:
        info.types = vec(s, () => {
          const form = s.byte();
          if (form !== 0x60) s.fail(`unsupported type form 0x${form.toString(16)}`);
          return { params: vec(s, () => valType(s)), results: vec(s, () => valType(s)) };
        });
        break;
      case 2:
        info.imports = vec(s, (): Import => {
          const module = s.name();
          const name = s.name();
          const kind = s.byte();
          switch (kind) {
            case 0: {
              const idx = s.u32();
              const type = info.types[idx] ?? s.fail(`import ${module}.${name} uses unknown type ${idx}`);
              return { module, name, kind: 'function', type };
            }
            case 1: tableType(s); return { module, name, kind: 'table' };
            case 2: return { module, name, kind: 'memory', limits: limits(s) };
            case 3: valType(s); s.byte(); return { module, name, kind: 'global' };
            case 4: s.byte(); s.u32(); return { module, name, kind: 'tag' };
            default: return s.fail(`unknown import kind ${kind}`);
          }
        });
        break;
      case 3:
        // A loop, not push(...): spreading a million indices overflows the stack (a RangeError, not INVALID_WASM).
        for (const idx of vec(s, () => s.u32())) definedTypeIndices.push(idx);
        info.definedFunctions = definedTypeIndices.length;
        break;
      case 4:
        info.definedTables = vec(s, () => tableType(s));
        info.tables = info.definedTables.length;
        break;
      case 5:
        info.memories = vec(s, () => limits(s));
        break;
      case 6:
        info.globals = s.u32();
        break;
      case 7:
        info.exports = vec(s, () => {
          const name = s.name();
          const kind = EXPORT_KINDS[s.byte()] ?? s.fail('unknown export kind');
          return { name, kind, index: s.u32() };
        });
        break;
      case 8:
        info.hasStart = true;
        break;
      case 10:
        info.codeBytes = size;
        break;
      case 11:
        info.dataSegments = s.u32();
        info.dataBytes = size;
        break;
      default:
        break;
    }
    info.sections.push(section);
  }

  const importedFns = info.imports.flatMap((i) => (i.kind === 'function' ? [i.type] : []));
  const definedFns = definedTypeIndices.map(
    (idx) => info.types[idx] ?? r.fail(`function uses unknown type ${idx}`),
  );
  info.functionTypes = [...importedFns, ...definedFns];
  return info;
}

/** The signature of an exported function, or undefined when there is no such function export. */
export function exportedFunctionType(info: ModuleInfo, name: string): FuncType | undefined {
  const e = info.exports.find((x) => x.kind === 'function' && x.name === name);
  return e === undefined ? undefined : info.functionTypes[e.index];
}
