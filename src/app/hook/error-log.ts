/**
 * The dated error log of hook failures (seed 000 §6.4 and §8): `<data dir>/logs/errors-YYYY-MM-DD.md`,
 * one Markdown bullet per failure and per recovery. Appends only (O_APPEND: concurrent hook processes
 * never interleave an entry). Writing it must never fail the hook, so every error here is swallowed.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { localDate } from '../../util/local-date.js';

export type ErrorLogKind = 'failure' | 'skipped' | 'recovered';

export interface ErrorLogEntry {
  kind: ErrorLogKind;
  at: number;
  /** e.g. `hook SubagentStop` */
  what: string;
  sessionId?: string | null;
  message: string;
}

export function errorLogFile(home: string, at: number): string {
  return path.join(home, 'logs', `errors-${localDate(at)}.md`);
}

const LABEL: Record<ErrorLogKind, string> = {
  failure: 'tracking failure',
  skipped: 'skipped',
  recovered: 'recovered',
};

/** One line of Markdown, with no newlines from the message. */
export function formatEntry(e: ErrorLogEntry): string {
  const session = e.sessionId ? ` session \`${e.sessionId}\`` : '';
  const message = e.message.replace(/\s*\n\s*/g, ' ');
  return `- ${new Date(e.at).toISOString()} **${LABEL[e.kind]}** ${e.what}${session}: ${message}\n`;
}

/** Appends an entry; returns the file, or null when even that failed. */
export function appendErrorLog(home: string, entry: ErrorLogEntry): string | null {
  const file = errorLogFile(home, entry.at);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let header = '';
    if (!fs.existsSync(file)) header = `# tokenledger errors: ${localDate(entry.at)}\n\n`;
    fs.appendFileSync(file, header + formatEntry(entry));
    return file;
  } catch {
    return null;
  }
}
