// A separate OS process working on a spool, for the concurrency tests.
//   node spool-child.mjs <distDir> <spoolDir> <logFile> replay <id> <toAdd>
//   node spool-child.mjs <distDir> <spoolDir> <logFile> hold <limit>
// Loads the compiled spool module, prints "ready", waits for "go <epoch ms>" on stdin, then:
// - replay: adds <toAdd> entries of its own (a few per round) and replays a few at a time, until
//   nothing is left to claim. Each replay appends "<n> <tries>" to the log (one write each). An entry
//   whose n is a multiple of 5 fails its first try (it goes back with tries + 1).
// - hold: claims up to <limit> entries, prints "held <count>", and waits to be killed.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, dir, logFile, mode, arg1, arg2] = process.argv.slice(2);
const { Spool, replaySpool } = await import(pathToFileURL(path.join(distDir, 'util/spool.js')).href);

const kind = {
  prefix: 'job-',
  stamp: (item) => String(item.at).padStart(15, '0'),
  isEntry: (v) =>
    typeof v === 'object' && v !== null && typeof v.n === 'number' && typeof v.tries === 'number',
  staleClaimMs: 60_000,
};
const spool = new Spool(dir, kind);

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

if (mode === 'hold') {
  const held = spool.claim({ limit: Number(arg1) });
  process.stdout.write(`held ${held.length}\n`);
  setInterval(() => {}, 1_000); // held until killed
  await new Promise(() => {});
}

const id = Number(arg1);
const toAdd = Number(arg2);
const log = fs.openSync(logFile, 'a');
let added = 0;
let replayed = 0;
for (;;) {
  for (let i = 0; i < 3 && added < toAdd; i++, added++)
    spool.add({ at: Date.now(), n: id * 100_000 + added, tries: 0 });
  let round;
  try {
    round = await replaySpool(spool, {
      limit: 4,
      replay: async (item) => {
        if (item.n % 5 === 0 && item.tries === 0) throw new Error('first try fails');
        fs.writeSync(log, `${item.n} ${item.tries}\n`);
      },
      requeue: (item) => ({ ...item, tries: item.tries + 1 }),
    });
  } catch {
    round = -1; // put back; tried again by whoever claims it next
  }
  replayed += Math.max(0, round);
  // Done when all its own are added and nothing was there to claim (what others hold, they finish).
  if (round === 0 && added === toAdd) break;
  await new Promise((resolve) => setImmediate(resolve));
}
fs.closeSync(log);
process.stdout.write(`${JSON.stringify({ pid: process.pid, added, replayed })}\n`);
process.stdin.destroy();
