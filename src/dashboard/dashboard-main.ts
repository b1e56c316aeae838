/**
 * `tokenledger dashboard`: the web dashboard on 127.0.0.1. Opens the ledger, imports new history
 * (unless `--no-import`), listens, and prints the URL (with this start's random token) as the first
 * line of stdout once the server answers; then imports every few seconds for live updates until
 * SIGINT or SIGTERM. The CLI loads this module by path (app/dashboard-options.ts).
 * @module
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { DashboardOptions } from '../app/dashboard-options.js';
import { openLedgerSession } from '../app/ledger-session.js';
import { TOKEN_PARAM } from './access-guard.js';
import { dashboardApp, loadAssets } from './dashboard-app.js';
import { DashboardData } from './dashboard-data.js';
import { LiveFeed } from './live-feed.js';

/** The client's bundle: beside the CLI bundles (dist/bin → dist/dashboard-assets), or the build's from the sources. */
function assetsDir(): string {
  const here = import.meta.url;
  const candidates = ['../dashboard-assets/', '../../dist/dashboard-assets/'].map((rel) =>
    fileURLToPath(new URL(rel, here)),
  );
  return candidates.find((d) => fs.existsSync(d)) ?? candidates[0] ?? '';
}

function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () =>
    process.stderr.write(`tokenledger dashboard: could not open a browser; open ${url}\n`),
  );
  child.unref();
}

export async function serveDashboard(options: DashboardOptions): Promise<number> {
  const assets = loadAssets(assetsDir());
  const session = await openLedgerSession({ db: options.db, config: options.config });
  try {
    const data = new DashboardData(session, options.timezone);
    const live = options.import === false ? null : new LiveFeed(session);
    await live?.importOnce();
    const token = randomBytes(24).toString('base64url');
    let port = options.port;
    const app = dashboardApp({ data, live, assets, token, port: () => port });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve(
        { fetch: app.fetch, hostname: '127.0.0.1', port: options.port },
        (info: AddressInfo) => {
          port = info.port;
          resolve(s);
        },
      );
      s.once('error', reject);
    });
    const url = `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`;
    process.stdout.write(`${url}\n`);
    process.stderr.write('tokenledger dashboard: serving the ledger read-only; Ctrl-C stops it.\n');
    if (options.open === true) openInBrowser(url);
    live?.start(options.refreshSeconds);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await live?.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Open event streams would keep close() waiting.
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
    return 0;
  } finally {
    await session.store.close();
  }
}
