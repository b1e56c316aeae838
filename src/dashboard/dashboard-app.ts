/**
 * The dashboard's web app (Hono): the guard (access-guard.ts) before everything, the bundled page
 * and its assets, the JSON endpoints (dashboard-data.ts) and the live events (live-feed.ts). A team
 * server can mount the same app behind its own guard.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { UserError } from '../util/errors.js';
import { accessGuard } from './access-guard.js';
import type { DashboardData, DashboardFilters } from './dashboard-data.js';
import type { LiveFeed } from './live-feed.js';

/** The bundled client's files (scripts/bundle.mjs writes them): name → content type. */
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'early.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The client's files, read once. A missing one is a build problem, named with what to do. */
export function loadAssets(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of Object.keys(ASSETS)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) {
      throw new Error(`the dashboard's ${file} is missing; run \`npm run build\` in the tokenledger clone.`);
    }
    out.set(name, fs.readFileSync(file));
  }
  return out;
}

export interface DashboardAppOptions {
  data: DashboardData;
  live: LiveFeed | null;
  assets: Map<string, Buffer>;
  token: string;
  /** The port the server listens on (known once it listens). */
  port: () => number;
}

function filtersOf(c: Context): DashboardFilters {
  return { since: c.req.query('since'), until: c.req.query('until'), project: c.req.query('project') };
}

/** Runs a read, answering a bad filter with 400 and its message. */
async function answer(c: Context, read: () => Promise<unknown>) {
  c.header('Cache-Control', 'no-store');
  try {
    const body = await read();
    return body === null ? c.json({ error: 'not found' }, 404) : c.json(body);
  } catch (error) {
    if (error instanceof UserError) return c.json({ error: error.message }, 400);
    throw error;
  }
}

export function dashboardApp(o: DashboardAppOptions): Hono {
  const app = new Hono();
  app.use('*', accessGuard(o.token, o.port));
  const asset = (name: string) => (c: Context) => {
    const body = o.assets.get(name);
    if (body === undefined) return c.notFound();
    c.header('Content-Type', ASSETS[name] ?? 'application/octet-stream');
    c.header('Cache-Control', 'no-cache');
    return c.body(new Uint8Array(body));
  };
  app.get('/', asset('index.html'));
  app.get('/assets/app.js', asset('app.js'));
  app.get('/assets/early.js', asset('early.js'));
  app.get('/assets/app.css', asset('app.css'));
  app.get('/favicon.ico', (c) => c.body(null, 204));

  app.get('/api/meta', (c) => answer(c, async () => ({ ...o.data.meta(), live: o.live !== null })));
  app.get('/api/overview', (c) =>
    answer(c, async () => {
      const f = filtersOf(c);
      const [daily, block] = await Promise.all([o.data.daily(f), o.data.activeBlock()]);
      return { daily, block };
    }),
  );
  app.get('/api/breakdown/:dim', (c) => answer(c, () => o.data.breakdown(c.req.param('dim'), filtersOf(c))));
  app.get('/api/budgets', (c) => answer(c, () => o.data.budgets()));
  app.get('/api/anomalies', (c) => answer(c, () => o.data.anomalies(filtersOf(c))));
  app.get('/api/review', (c) => answer(c, () => o.data.review()));
  app.get('/api/compare', (c) =>
    answer(c, () => o.data.compare(c.req.query('a') ?? '', c.req.query('b') ?? '')),
  );
  app.get('/api/tasks', (c) => answer(c, () => o.data.tasks(filtersOf(c))));
  app.get('/api/tasks/:id', (c) => answer(c, () => o.data.task(c.req.param('id'), filtersOf(c))));

  app.get('/api/events', (c) => {
    const live = o.live;
    if (live === null) return c.json({ error: 'live updates are off (--no-import)' }, 404);
    return streamSSE(c, async (stream) => {
      let id = 0;
      const off = live.subscribe((e) => {
        id += 1;
        void stream.writeSSE({ event: 'usage', data: JSON.stringify(e), id: String(id) });
      });
      stream.onAbort(() => off());
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(15_000);
        await stream.writeSSE({ event: 'ping', data: '{}' });
      }
      off();
    });
  });
  app.notFound((c) => c.text('Not Found\n', 404));
  return app;
}
