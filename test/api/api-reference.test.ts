/**
 * docs/API.md documents every export of the library entry (src/index.ts) and nothing else: one
 * `### <name>` heading per export, and every `function X(` / `class X` in its ```ts blocks names an
 * export. The export list comes from the TypeScript checker, so `export *` is resolved.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(ROOT, 'src/index.ts');
const DOC = path.join(ROOT, 'docs/API.md');

interface ExportInfo {
  name: string;
  /** A runtime value (function, class, constant), not only a type. */
  isValue: boolean;
  kind: 'function' | 'class' | 'const' | 'interface' | 'type';
}

/** Every export of src/index.ts, as the type checker sees it. */
function entryExports(): ExportInfo[] {
  const program = ts.createProgram([ENTRY], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(ENTRY);
  if (source === undefined) throw new Error(`cannot load ${ENTRY}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${ENTRY} is not a module`);
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const f = symbol.flags;
    const kind: ExportInfo['kind'] =
      f & ts.SymbolFlags.Class
        ? 'class'
        : f & ts.SymbolFlags.Function
          ? 'function'
          : f & ts.SymbolFlags.Variable
            ? 'const'
            : f & ts.SymbolFlags.Interface
              ? 'interface'
              : 'type';
    return { name: exported.getName(), isValue: (f & ts.SymbolFlags.Value) !== 0, kind };
  });
}

const doc = fs.readFileSync(DOC, 'utf8');
const exports = entryExports();
const names = new Set(exports.map((e) => e.name));
/** The `### ` headings of the doc (outside code blocks). */
const headings = doc
  .replace(/```[\s\S]*?```/g, '')
  .split('\n')
  .filter((line) => line.startsWith('### '))
  .map((line) => line.slice(4).trim().replace(/^`|`$/g, ''));
const tsBlocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

describe('docs/API.md', () => {
  it('finds the exports of src/index.ts (sanity)', () => {
    expect(exports.length).toBeGreaterThan(30);
    for (const name of ['runClaude', 'ClaudeStreamParser', 'parseClaudeOutput', 'PlanUsageTracker']) {
      expect(names.has(name)).toBe(true);
    }
    expect(exports.find((e) => e.name === 'ClaudeRunResult')?.isValue).toBe(false);
    expect(exports.find((e) => e.name === 'TOKEN_USAGE_FIELDS')?.kind).toBe('const');
  });

  it('has a ### heading for every export', () => {
    const missing = [...names].filter((n) => !headings.includes(n));
    expect(missing).toEqual([]);
  });

  it('has no ### heading that is not an export, and no heading twice', () => {
    expect(headings.filter((h) => !names.has(h))).toEqual([]);
    expect(headings.filter((h, i) => headings.indexOf(h) !== i)).toEqual([]);
  });

  it('only declares exported functions and classes in its ts blocks, of the right kind', () => {
    const declared: { name: string; kind: 'function' | 'class' }[] = [];
    for (const block of tsBlocks) {
      for (const m of block.matchAll(/^\s*(?:export\s+)?(?:declare\s+)?(?:async\s+)?function\s+(\w+)\s*\(/gm))
        declared.push({ name: m[1] ?? '', kind: 'function' });
      for (const m of block.matchAll(/^\s*(?:export\s+)?(?:declare\s+)?class\s+(\w+)/gm))
        declared.push({ name: m[1] ?? '', kind: 'class' });
    }
    expect(declared.length).toBeGreaterThan(10);
    const wrong = declared.filter((d) => exports.find((e) => e.name === d.name)?.kind !== d.kind);
    expect(wrong).toEqual([]);
  });

  it('shows a signature (function, class, interface, type, const) for every export', () => {
    const code = tsBlocks.join('\n');
    for (const e of exports) {
      if (e.kind === 'function') expect(code, e.name).toMatch(new RegExp(`function ${e.name}\\s*\\(`));
      if (e.kind === 'class') expect(code, e.name).toMatch(new RegExp(`class ${e.name}\\b`));
      if (e.kind === 'interface') expect(code, e.name).toMatch(new RegExp(`interface ${e.name}\\b`));
      if (e.kind === 'type') expect(code, e.name).toMatch(new RegExp(`type ${e.name}\\b`));
      if (e.kind === 'const') expect(code, e.name).toMatch(new RegExp(`const ${e.name}\\b`));
    }
  });
});
