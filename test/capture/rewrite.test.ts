/**
 * Files that change between imports: appended, rewritten shorter, replaced, truncated, deleted, or
 * ending in a line that is still being written. Totals never double count, and usage already
 * imported stays when a file shrinks or disappears.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanupTemp,
  copyFixture,
  importDirs,
  openTempLedger,
  overallTotals,
  problemsOf,
  readExpected,
  snapshot,
  type Totals,
  tempDir,
} from '../helpers/ledger.js';
import { assistantLine, jsonl, type Resp, totalsOf, transcriptPath, userLine } from './lines.js';

afterEach(cleanupTemp);

const A: Resp = { id: 'msg_rwA', input: 10, output: 1, cacheWrite: 100 };
const B: Resp = { id: 'msg_rwB', input: 20, output: 2, cacheRead: 100 };
const C: Resp = { id: 'msg_rwC', input: 30, output: 3, cacheRead: 200 };
const D: Resp = { id: 'msg_rwD', input: 40, output: 4, cacheRead: 300 };
const E: Resp = { id: 'msg_rwE', input: 50, output: 5, cacheRead: 400 };

function setup(content: string) {
  const dir = tempDir();
  const file = transcriptPath(dir);
  fs.writeFileSync(file, content);
  return { dir, file, store: openTempLedger() };
}

describe('files that change between imports', () => {
  it('an appended file is read from the cursor and new lines count once', async () => {
    const { dir, file, store } = setup(jsonl(userLine('go'), assistantLine(A), assistantLine(B)));
    await importDirs(store, dir);
    const appended = jsonl(assistantLine(C));
    fs.appendFileSync(file, appended);
    const second = await importDirs(store, dir);
    expect(second.bytesRead).toBe(Buffer.byteLength(appended));
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C));
  });

  it('compaction: rewritten in place, shorter, with different content', async () => {
    const { dir, file, store } = setup(
      jsonl(userLine('go'), assistantLine(A), assistantLine(B), assistantLine(C)),
    );
    await importDirs(store, dir);
    const inode = fs.statSync(file).ino;
    fs.writeFileSync(file, jsonl(JSON.stringify({ type: 'summary', summary: 'x' }), assistantLine(D)));
    expect(fs.statSync(file).ino).toBe(inode);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, D));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, D));
  });

  it('rewritten in place to the same size with different content', async () => {
    const { dir, file, store } = setup(jsonl(assistantLine(A), assistantLine(B)));
    await importDirs(store, dir);
    const size = fs.statSync(file).size;
    // Same length: msg_rwB -> msg_rwE keeps the byte count, new numbers of the same width.
    const same: Resp = { ...B, id: 'msg_rwE', input: 21, output: 3 };
    fs.writeFileSync(file, jsonl(assistantLine(A), assistantLine(same)));
    expect(fs.statSync(file).size).toBe(size);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, same));
  });

  it('replaced by a new file (new inode) that holds fewer lines', async () => {
    const { dir, file, store } = setup(jsonl(assistantLine(A), assistantLine(B), assistantLine(C)));
    await importDirs(store, dir);
    const inode = fs.statSync(file).ino;
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, jsonl(assistantLine(A), assistantLine(B)));
    fs.renameSync(tmp, file);
    expect(fs.statSync(file).ino).not.toBe(inode);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C));
    fs.appendFileSync(file, jsonl(assistantLine(D)));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, D));
  });

  it('truncated (mid-line), then written again in full with one more line', async () => {
    const full = jsonl(assistantLine(A), assistantLine(B), assistantLine(C));
    const { dir, file, store } = setup(full);
    await importDirs(store, dir);
    fs.truncateSync(file, Buffer.byteLength(assistantLine(A)) + 40);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C));
    expect((await problemsOf(store, dir)).total).toBe(0);
    fs.writeFileSync(file, full + jsonl(assistantLine(E)));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C, E));
  });

  it('truncated to zero bytes', async () => {
    const { dir, file, store } = setup(jsonl(assistantLine(A), assistantLine(B)));
    await importDirs(store, dir);
    fs.truncateSync(file, 0);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
  });

  it('a deleted transcript keeps its usage', async () => {
    const { dir, file, store } = setup(jsonl(assistantLine(A), assistantLine(B)));
    await importDirs(store, dir);
    fs.rmSync(file);
    const again = await importDirs(store, dir);
    expect(again.filesSeen).toBe(0);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
    expect((await store.stats()).records).toBe(2);
  });

  it('a deleted project dir keeps its usage, and a re-created file with the same lines does not double', async () => {
    const { dir, file, store } = setup(jsonl(assistantLine(A), assistantLine(B)));
    await importDirs(store, dir);
    fs.rmSync(path.dirname(file), { recursive: true });
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, jsonl(assistantLine(B), assistantLine(A)));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
  });

  it('a later line of a response raises its output and clears the lower bound', async () => {
    const snap: Resp = { ...A, output: 1, stop: null };
    const { dir, file, store } = setup(jsonl(assistantLine(snap)));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(snap));
    const final: Resp = { ...A, output: 77 };
    fs.appendFileSync(file, jsonl(assistantLine(final)));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(final));
  });

  it('an earlier line of a response seen later moves it to the earlier 15-minute bucket', async () => {
    const dir = tempDir();
    const late: Resp = { ...A, ts: '2026-11-20T10:20:00.000Z' };
    const early: Resp = { ...A, ts: '2026-11-20T10:05:00.000Z' };
    fs.writeFileSync(transcriptPath(dir), jsonl(assistantLine(late)));
    const store = openTempLedger();
    await importDirs(store, dir);
    fs.writeFileSync(transcriptPath(dir, 'copy-of-session.jsonl'), jsonl(assistantLine(early)));
    await importDirs(store, dir);
    const rows = await store.buckets(null, null);
    expect(rows.map((r) => ({ bucket: r.bucket, responses: r.responses }))).toEqual([
      { bucket: Date.parse('2026-11-20T10:00:00.000Z') / 900_000, responses: 1 },
    ]);
  });
});

describe('the last line of a file', () => {
  it('a partial last line waits: not counted, no problem; counted once when completed', async () => {
    const line = assistantLine(B);
    const { dir, file, store } = setup(jsonl(assistantLine(A)) + line.slice(0, 100));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A));
    expect((await problemsOf(store, dir)).total).toBe(0);
    fs.appendFileSync(file, `${line.slice(100)}\n`);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
    expect((await problemsOf(store, dir)).total).toBe(0);
  });

  it('a partial line cut inside a multi-byte character waits too', async () => {
    const line = assistantLine({ ...B, text: 'naïve café 日本語 ✓' });
    const bytes = Buffer.from(`${line}\n`);
    const cut = Buffer.from(line).indexOf(Buffer.from('日')) + 1;
    const { dir, file, store } = setup(jsonl(assistantLine(A)));
    fs.appendFileSync(file, bytes.subarray(0, cut));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A));
    fs.appendFileSync(file, bytes.subarray(cut));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
    expect((await problemsOf(store, dir)).total).toBe(0);
  });

  it('a complete last line without a newline counts, and once only after more lines follow', async () => {
    const { dir, file, store } = setup(`${assistantLine(A)}\n${assistantLine(B)}`);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B));
    fs.appendFileSync(file, `\n${assistantLine(C)}\n`);
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A, B, C));
  });

  it('a file of one unterminated line', async () => {
    const { dir, store } = setup(assistantLine(A));
    await importDirs(store, dir);
    expect(await overallTotals(store)).toEqual(totalsOf(A));
  });
});

describe('fixtures split across imports', () => {
  it('resume: the first run imported, then the second run appended', async () => {
    const dir = copyFixture('resume');
    const file = path.join(dir, 'projects/-home-dev-resumed/83838383-8383-4838-8838-838383838383.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, `${lines.slice(0, 4).join('\n')}\n`);
    const store = openTempLedger();
    await importDirs(store, dir);
    expect((await overallTotals(store)).responses).toBe(1);
    fs.writeFileSync(file, lines.join('\n'));
    await importDirs(store, dir);
    const expected = readExpected<{ total: Totals; bySession: Record<string, Totals> }>('resume');
    const snap = await snapshot(store, dir);
    expect(snap.total).toEqual(expected.total);
    expect(snap.bySession).toEqual(expected.bySession);
  });

  it('cost-state: the line appended by a later run replaces the earlier one', async () => {
    const dir = copyFixture('cost-state');
    const file = path.join(dir, 'projects/-home-dev-costly/84848484-8484-4848-8848-848484848484.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n`);
    const store = openTempLedger();
    await importDirs(store, dir);
    const sid = '84848484-8484-4848-8848-848484848484';
    expect((await store.costCheckpoints('claude-code', [sid])).get(sid)?.totalCostUsd).toBe(0.0465675);
    fs.writeFileSync(file, lines.join('\n'));
    await importDirs(store, dir);
    expect((await store.costCheckpoints('claude-code', [sid])).get(sid)?.totalCostUsd).toBe(0.0509925);
  });

  it('fork: the fork file imported before the original gives the same sessions', async () => {
    const dir = copyFixture('fork');
    const orig = path.join(dir, 'projects/-home-dev-forky/81818181-8181-4818-8818-818181818181.jsonl');
    const moved = path.join(dir, 'held-back.jsonl');
    fs.renameSync(orig, moved);
    const store = openTempLedger();
    await importDirs(store, dir);
    fs.renameSync(moved, orig);
    await importDirs(store, dir);
    const expected = readExpected<{ bySession: Record<string, Totals> }>('fork');
    expect((await snapshot(store, dir)).bySession).toEqual(expected.bySession);
  });

  it('subagent file imported in a later run than the Agent tool_use still gets its type', async () => {
    const dir = copyFixture('agent-type-from-tool-use');
    const sub = path.join(
      dir,
      'projects/-home-dev-tu/74747474-7474-4747-8747-747474747474/subagents/agent-a74d000000000000a.jsonl',
    );
    const moved = path.join(dir, 'held-back.jsonl');
    fs.renameSync(sub, moved);
    const store = openTempLedger();
    await importDirs(store, dir);
    fs.renameSync(moved, sub);
    await importDirs(store, dir);
    const expected = readExpected<{ byAgent: Record<string, Totals> }>('agent-type-from-tool-use');
    expect((await snapshot(store, dir)).byAgent).toEqual(expected.byAgent);
  });

  it('meta.json written after the subagent file was imported still sets the type', async () => {
    const dir = copyFixture('main-final-subagent-snapshot');
    const meta = path.join(
      dir,
      'projects/-srv-app/22222222-2222-4222-8222-222222222222/subagents/agent-a02f4c1d9e8b7a6c5.meta.json',
    );
    const metaText = fs.readFileSync(meta, 'utf8');
    fs.rmSync(meta);
    // Also cut the tool_result link, so the meta file is the only source of the type.
    const main = path.join(dir, 'projects/-srv-app/22222222-2222-4222-8222-222222222222.jsonl');
    const mainText = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(
      main,
      mainText.replace('"agentId":"a02f4c1d9e8b7a6c5"', '"agentIdX":"a02f4c1d9e8b7a6c5"'),
    );
    const store = openTempLedger();
    await importDirs(store, dir);
    expect(Object.keys((await snapshot(store, dir)).byAgent).sort()).toEqual(['main', 'subagent']);
    fs.writeFileSync(meta, metaText);
    await importDirs(store, dir);
    const expected = readExpected<{ byAgent: Record<string, Totals> }>('main-final-subagent-snapshot');
    expect((await snapshot(store, dir)).byAgent).toEqual(expected.byAgent);
  });
});
