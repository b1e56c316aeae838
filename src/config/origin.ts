/**
 * Who is importing: the machine and user every record is attributed to (config overrides, else the
 * host name and the login name).
 * @module
 */
import os from 'node:os';
import type { ImportOrigin } from '../ledger/usage-repository.js';
import type { LoadedConfig } from './config.js';

export function originOf(loaded: LoadedConfig): ImportOrigin {
  let user = loaded.config.user;
  if (user === undefined) {
    try {
      user = os.userInfo().username;
    } catch {
      user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
    }
  }
  return { machine: loaded.config.machine ?? os.hostname(), user };
}
