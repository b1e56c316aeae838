// A separate OS process that keeps appending to Claude transcripts while another process imports.
//   node append-child.mjs <plan.json>
// The plan lists { src, dst, from }: append bytes [from, end) of src to dst. Appends are random-sized
// (cut anywhere, also inside a line or a UTF-8 character), interleaved across files, and paced so the
// whole run takes about `durationMs`. Prints "ready", waits for "go <epoch ms>" on stdin, prints "done" at the end.
import fs from 'node:fs';
import path from 'node:path';

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let seed = plan.seed >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pending = plan.files.map((f) => ({ ...f, bytes: fs.readFileSync(f.src), at: f.from }));

// "go <epoch ms>": start at that moment (all children wake together), spinning the last few ms.
const startAt = await new Promise((resolve) => {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    input += chunk;
    const m = /^go (\d+)\n/.exec(input);
    if (m) resolve(Number(m[1]));
  });
  process.stdout.write('ready\n');
});
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now() - 5)));
while (Date.now() < startAt) {
  // spin
}

const total = pending.reduce((n, f) => n + f.bytes.length - f.at, 0);
const started = Date.now();
let written = 0;
let appends = 0;
while (pending.length > 0) {
  const i = Math.floor(random() * pending.length);
  const f = pending[i];
  const n = 1 + Math.floor(random() * plan.maxChunk);
  const end = Math.min(f.bytes.length, f.at + n);
  fs.mkdirSync(path.dirname(f.dst), { recursive: true });
  fs.appendFileSync(f.dst, f.bytes.subarray(f.at, end));
  written += end - f.at;
  appends += 1;
  f.at = end;
  if (f.at >= f.bytes.length) pending.splice(i, 1);
  // Keep pace with the planned duration, so the importer runs many times meanwhile.
  const due = started + (plan.durationMs * written) / total;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
process.stdout.write(`${JSON.stringify({ done: true, appends, written })}\n`);
process.stdin.destroy();
