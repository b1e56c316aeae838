/**
 * Finding and stopping what a harness run started: its process group, and any process (even one that
 * left the group) that still carries the run's marker variable in its environment.
 */
import fs from 'node:fs';

/** The environment variable whose value tags every process of one harness run. */
export const RUN_MARKER_VAR = 'TL_E2E_HARNESS_RUN';

/** Whether the process group `pgid` still has a member. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to process group `pgid`; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Pids of live processes (other than this one) whose environment has `RUN_MARKER_VAR=marker` (Linux /proc). */
export function findMarkedProcesses(marker: string): number[] {
  if (!fs.existsSync('/proc')) return [];
  const needle = `${RUN_MARKER_VAR}=${marker}`;
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${name}/environ`, 'latin1');
      if (!env.split('\0').includes(needle)) continue;
      // A zombie has no environment to read in practice, but check its state anyway.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') found.push(pid);
    } catch {
      // gone meanwhile, or not readable
    }
  }
  return found;
}

/** SIGKILLs the given pids (each one found by {@link findMarkedProcesses}); returns how many were signalled. */
export function killPids(pids: readonly number[]): number {
  let n = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      n += 1;
    } catch {
      // already gone
    }
  }
  return n;
}
