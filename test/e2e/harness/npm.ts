/**
 * npm as a user runs it, from the e2e tests: without the `npm_*` variables of the `npm run` that
 * started the suite (they would make npm think it runs a script of this clone), with the user's npm
 * config and cache (so installs can use the packages `npm ci` already fetched).
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The clone. */
export const REPO = path.resolve(import.meta.dirname, '../../..');

/** The clone's package.json version. */
export const VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;

/** This environment without npm's script variables, plus `extra`. */
export function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

/** Runs `npm ARGS` and fails with npm's output when it fails. */
export function npm(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): SpawnSyncReturns<string> {
  const r = spawnSync('npm', args, {
    cwd: opts.cwd,
    env: npmEnv(opts.env),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `npm ${args.join(' ')} (in ${opts.cwd}) failed: ${r.error?.message ?? `exit ${r.status ?? r.signal}`}\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r;
}
