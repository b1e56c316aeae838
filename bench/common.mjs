// What the benchmarks share: where things are, the peer, the machine they ran on, and the seeded
// generator (src/util/prng.ts, from dist/) with the extras the benchmarks' ids need.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORK = path.join(ROOT, '.bench');
export const CORPUS = path.join(WORK, 'corpus');
export const BIN = path.join(ROOT, 'bin', 'tokenledger.js');
export const PEER_VERSION = '20.0.24';
export const PEER_DIR = path.join(WORK, 'peer');
export const PEER_BIN = path.join(PEER_DIR, 'node_modules', '.bin', 'ccusage');

export const log = (s) => process.stderr.write(`${s}\n`);

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The project's Prng (sfc32) plus base-62 ids; loaded from dist/, so only after a build. */
export async function loadRng() {
  const { Prng } = await import(pathToFileURL(path.join(ROOT, 'dist', 'util', 'prng.js')).href);
  return class Rng extends Prng {
    b62(n) {
      let out = '';
      for (let i = 0; i < n; i++) out += B62[Math.floor(this.next() * 62)];
      return out;
    }
  };
}
