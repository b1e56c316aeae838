/**
 * What users read never names our internal references ("seed 000", "section 4.1", "§5", "issue 11",
 * design documents): the built CLI's help of every command (the whole command tree), README.md,
 * docs/*.md, examples/, and every string literal in src/ (help, errors, warnings, MCP tool texts and
 * the files tokenledger writes). Formats are named instead, e.g. "usage-tracker telemetry (JSON)".
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { useSandbox } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const cli = useSandbox('tl-words-', { per: 'file' });

const INTERNAL: readonly RegExp[] = [
  /\bseeds?\s*\d{3}/i,
  /§/,
  /\bsections?\s+\d+(\.\d+)*\b/i,
  /\bissue\s*#?\d+/i,
  /\b(FORMATS|PRODUCT|ANCHORS|STYLE|FINDINGS)(\.md)?\s*§/,
  /\b(FORMATS|PRODUCT|ANCHORS|STYLE|FINDINGS)\.md\b/,
];

/** The internal references in `text`, each with its line. */
function internalNames(text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const hit = INTERNAL.find((re) => re.test(line));
    return hit === undefined ? [] : [`${i + 1}: ${line.trim()}`];
  });
}

/** Every command and subcommand, as the words that name it. */
function commandPaths(cmd: Command, prefix: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((c) => {
    const p = [...prefix, c.name()];
    return [{ path: p, cmd: c }, ...commandPaths(c, p)];
  });
}

function files(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((f) => {
    const full = path.join(dir, f);
    return ext.test(f) && fs.statSync(full).isFile() ? [full] : [];
  });
}

describe('no internal references where users read', () => {
  const program = buildProgram(() => {});
  const all = commandPaths(program);

  it('the tree has the commands users know (the walk is not empty)', () => {
    const names = all.map((c) => c.path.join(' '));
    for (const n of ['daily', 'record', 'files sync', 'task start', 'hooks install', 'forget'])
      expect(names).toContain(n);
  });

  it('the built CLI help of the program and of every command', () => {
    const bad: string[] = [];
    const top = cli.run(['--help']);
    expect(top.status).toBe(0);
    bad.push(...internalNames(top.stdout).map((l) => `tokenledger --help ${l}`));
    for (const { path: words, cmd } of all) {
      // `hook` and `statusline` take Claude Code's arguments, not --help: their help is read in-process.
      const text = cmd.helpInformation().includes('--help')
        ? cli.run([...words, '--help']).stdout
        : cmd.helpInformation();
      expect(text, words.join(' ')).toContain('Usage:');
      bad.push(...internalNames(text).map((l) => `tokenledger ${words.join(' ')} --help ${l}`));
    }
    expect(bad).toEqual([]);
  });

  it('README.md, docs/*.md and examples/', () => {
    const docs = [
      path.join(ROOT, 'README.md'),
      ...files(path.join(ROOT, 'docs'), /\.md$/),
      ...files(path.join(ROOT, 'examples'), /\.(m?js|ts|md|json)$/),
    ];
    const bad = docs.flatMap((f) => internalNames(fs.readFileSync(f, 'utf8')).map((l) => `${f}:${l}`));
    expect(bad).toEqual([]);
  });

  it('string literals in src/ (messages, help, MCP texts, written files)', () => {
    const bad: string[] = [];
    const sources = files(path.join(ROOT, 'src'), /\.ts$/).filter(
      // Shipped migrations are never edited (their SQL is the schema's history).
      (f) => !f.endsWith('.test.ts') && !f.endsWith(`sqlite${path.sep}migrations.ts`),
    );
    for (const file of sources) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          for (const l of internalNames(node.text)) bad.push(`${file}:${line + 1}: ${l}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(sources.length).toBeGreaterThan(100);
    expect(bad).toEqual([]);
  });
});
