/**
 * `tokenledger demo` through the built CLI: every report appears (tasks with a plan, stages,
 * variance with an overrun, the `.token-usage/` tree in a temp dir it names), and the counts it prints
 * agree with each other: the API calls imported are the records read minus those merged, they are
 * what `status` says the ledger holds from transcripts, and the report notes count the same total.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';

// The demo makes its own history: no Claude dir is named.
const cli = useSandbox('tl-demo-', { per: 'file', env: { CLAUDE_CONFIG_DIR: undefined, COLUMNS: '120' } });

/** The integer after `prefix` (commas allowed). */
function int(text: string, re: RegExp): number {
  const m = re.exec(text);
  expect(m, `${re} in the demo output`).not.toBeNull();
  return Number((m?.[1] ?? '').replaceAll(',', ''));
}

const N = '([\\d,]+)';

describe('tokenledger demo', () => {
  let out = '';

  beforeAll(() => {
    const r = cli.run(['demo']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    out = r.stdout;
  }, 120_000);

  it('shows every report, with the command line a user would type', () => {
    for (const command of [
      /── tokenledger --db /,
      /── tokenledger daily --since \d{4}-\d\d-\d\d --db /,
      /── tokenledger weekly --db /,
      /── tokenledger monthly --breakdown --db /,
      /── tokenledger session --since \d{4}-\d\d-\d\d --order desc --db /,
      /── tokenledger report --by agent --db /,
      /── tokenledger report --by project,branch --db /,
      /── tokenledger task list --db /,
      /── tokenledger task show BILLING-V2 --db /,
      /── tokenledger report --by task,stage --db /,
      /── tokenledger variance --by parent --db /,
      /── tokenledger files sync --all-projects --root \S+ --db /,
      /── tokenledger status --db /,
    ])
      expect(out).toMatch(command);
  });

  it('has a plan with its task tree, stages and an overrun', () => {
    expect(out).toMatch(/│ +BILL-3 +│ .*│ BILLING-V2 │ .*⚠ overrun │/);
    const show = out.slice(
      out.indexOf('── tokenledger task show'),
      out.indexOf('── tokenledger report --by task'),
    );
    expect(show).toMatch(/│ child │ BILL-1 +│/);
    for (const stage of ['analysis', 'implementation', 'review']) expect(show).toContain(stage);
    const variance = out.slice(out.indexOf('── tokenledger variance'), out.indexOf('── tokenledger files'));
    expect(variance).toMatch(/BILLING-V2: 3 task\(s\), .* 1 over 4×/);
    expect(variance).toContain('⚠');
  });

  it('writes the .token-usage/ tree in a temp dir and says where', () => {
    const m = /The \.token-usage\/ tree was written to (\S+) \(a temp dir/.exec(out);
    expect(m).not.toBeNull();
    const tree = m?.[1] ?? '';
    expect(tree.startsWith(fs.realpathSync(os.tmpdir())) || tree.startsWith(os.tmpdir())).toBe(true);
    const files = fs.readdirSync(tree, { recursive: true, encoding: 'utf8' });
    expect(files).toContain(`usage-${new Date().toISOString().slice(0, 10)}.md`);
    expect(files.some((f) => /^tasks\/usage-.*-DOCS-7\.json$/.test(f))).toBe(true);
    for (const f of files.filter((f) => f.endsWith('.json') || f.endsWith('.md')))
      expect(out).toContain(`  ${f}`);
    fs.rmSync(path.dirname(tree), { recursive: true, force: true });
  });

  it('its counts agree: imported = read − merged = held from transcripts = the notes’ total − declared', () => {
    const added = int(out, new RegExp(`Imported ${N} new API calls`));
    const read = int(out, new RegExp(`new API calls \\(${N} read;`));
    const merged = int(out, new RegExp(`read; ${N} merged into the same call`));
    const files = int(out, new RegExp(`from ${N} transcript files into the demo ledger`));
    expect(read - merged).toBe(added);
    expect(merged).toBeGreaterThan(0); // the generated history has forks and relayed progress

    const held = int(out, new RegExp(`Holds: +${N} API calls`));
    const fromTranscripts = int(out, new RegExp(`\\(${N} read from transcripts`));
    const declared = int(out, new RegExp(`read from transcripts, ${N} declared with\\s+\`record\``));
    expect(fromTranscripts).toBe(added);
    expect(held).toBe(fromTranscripts + declared);
    expect(int(out, new RegExp(`Files: +${N} tracked \\(${N} transcripts`.replace(N, '[\\d,]+')))).toBe(
      files,
    );
    // Every "n of N responses" note counts the whole ledger.
    for (const m of out.matchAll(/of ([\d,]+) responses have output counts/g))
      expect(Number((m[1] ?? '').replaceAll(',', ''))).toBe(held);
  });

  it('a second run reuses the demo ledger: nothing imported again, the same holdings', () => {
    const r = cli.run(['demo']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('Imported');
    expect(r.stdout).not.toContain('Generating');
    const held = int(out, new RegExp(`Holds: +${N} API calls`));
    expect(int(r.stdout, new RegExp(`Holds: +${N} API calls`))).toBe(held);
    const tree = /The \.token-usage\/ tree was written to (\S+) \(a temp dir/.exec(r.stdout)?.[1] ?? '';
    expect(fs.existsSync(tree)).toBe(true);
    fs.rmSync(path.dirname(tree), { recursive: true, force: true });
  }, 120_000);
});
