/**
 * Who is importing: the machine and user every record is attributed to (config overrides, else the
 * host name and the login name).
 * @module
 */
import os from 'node:os';
import type { Config } from '../config/config.js';
import type { ImportOrigin } from '../ledger/usage-repository.js';

export function originOf(config: Config, env: NodeJS.ProcessEnv = process.env): ImportOrigin {
  let user = config.user;
  if (user === undefined) {
    try {
      user = os.userInfo().username;
    } catch {
      user = env.USER ?? env.USERNAME ?? 'unknown';
    }
  }
  return { machine: config.machine ?? os.hostname(), user };
}
