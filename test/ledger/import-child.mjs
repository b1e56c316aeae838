// A separate OS process that imports a Claude history into a ledger, for the concurrency tests.
//   node import-child.mjs <distDir> <ledger> <claudeDir> <threads> [<stopFile>]
// Loads the compiled engine, prints "ready", waits for "go <epoch ms>" on stdin, then imports once (or, with a
// stop file, repeatedly until the file exists) and prints one JSON line with what it did.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, ledger, claudeDir, threadsArg, stopFile] = process.argv.slice(2);
const load = (rel) => import(pathToFileURL(path.join(distDir, rel)).href);
const { importClaudeHistory } = await load('app/import/import-claude.js');
const { SqliteStore } = await load('ledger/sqlite/sqlite-store.js');

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

const store = SqliteStore.open(ledger);
const options = {
  origin: { machine: 'm', user: 'u' },
  env: { CLAUDE_CONFIG_DIR: claudeDir },
  threads: Number(threadsArg),
};
const runs = [];
const once = async () => {
  const s = await importClaudeHistory(store, options);
  runs.push({ filesRead: s.filesRead, bytesRead: s.bytesRead, records: s.records });
};
if (stopFile === undefined) await once();
else while (!fs.existsSync(stopFile)) await once();
await store.close();
process.stdout.write(`${JSON.stringify({ pid: process.pid, runs })}\n`);
process.stdin.destroy();
