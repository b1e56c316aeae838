/**
 * Who may read `tokenledger dashboard`: only requests with this start's token (URL, then its cookie)
 * get anything (401), only with a Host of 127.0.0.1 or localhost and the port (403: DNS rebinding),
 * only GET and HEAD (405); every response carries the strict Content-Security-Policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { type RunningDashboard, rawRequest, startDashboard } from '../helpers/dashboard.js';

const sandbox = new Sandbox({ prefix: 'tl-dash-access-' });
let dash: RunningDashboard;
let cookie: string;

beforeAll(async () => {
  sandbox.open();
  dash = await startDashboard(sandbox, ['--port', '0', '--db', sandbox.path('ledger.db'), '--no-import']);
  cookie = `tokenledger_dashboard_${dash.port}=${dash.token}`;
});
afterAll(async () => {
  await dash?.stop();
  sandbox.remove();
});

const host = () => `127.0.0.1:${dash.port}`;

describe('tokenledger dashboard: access', () => {
  it('prints its URL first: 127.0.0.1, the free port it got, a long random token', () => {
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(dash.port).toBeGreaterThan(0);
  });

  it('answers 401 without the token, with a wrong one, and to API calls without the cookie', async () => {
    for (const path of ['/', '/api/meta', '/api/overview', '/assets/app.js', `/?token=${'x'.repeat(32)}`]) {
      const r = await rawRequest(dash.port, { path, headers: { Host: host() } });
      expect(r.status, path).toBe(401);
      expect(r.body).not.toContain('"dimensions"');
    }
    const wrong = await rawRequest(dash.port, {
      path: '/api/meta',
      headers: { Host: host(), Cookie: `tokenledger_dashboard_${dash.port}=${dash.token.slice(1)}x` },
    });
    expect(wrong.status).toBe(401);
  });

  it('sets an HttpOnly SameSite=Strict cookie on the tokened load and drops the token from the URL', async () => {
    const r = await rawRequest(dash.port, {
      path: `/?view=tasks&token=${dash.token}`,
      headers: { Host: host() },
    });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/?view=tasks');
    const set = String(r.headers['set-cookie']);
    expect(set).toContain(cookie);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    const page = await rawRequest(dash.port, {
      path: '/?view=tasks',
      headers: { Host: host(), Cookie: cookie },
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    const meta = await rawRequest(dash.port, {
      path: '/api/meta',
      headers: { Host: `localhost:${dash.port}`, Cookie: cookie },
    });
    expect(meta.status).toBe(200);
    expect(JSON.parse(meta.body)).toMatchObject({
      dimensions: [
        'stage',
        'agent',
        'model',
        'project',
        'branch',
        'machine',
        'tool',
        'skill',
        'mcp-server',
        'file',
      ],
    });
  });

  it('answers 403 to a foreign Host, even with the token and the cookie (DNS rebinding)', async () => {
    for (const h of [
      `evil.example:${dash.port}`,
      'evil.example',
      `127.0.0.1:${dash.port + 1}`,
      '127.0.0.1',
      `localhost.evil.example:${dash.port}`,
    ]) {
      const withCookie = await rawRequest(dash.port, {
        path: '/api/meta',
        headers: { Host: h, Cookie: cookie },
      });
      expect(withCookie.status, h).toBe(403);
      expect(withCookie.body).not.toContain('"dimensions"');
      const withToken = await rawRequest(dash.port, { path: `/?token=${dash.token}`, headers: { Host: h } });
      expect(withToken.status, h).toBe(403);
      expect(withToken.headers['set-cookie']).toBeUndefined();
    }
  });

  it('answers 405 to every write method, with or without the token', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await rawRequest(dash.port, {
        method,
        path: '/api/tasks',
        headers: { Host: host(), Cookie: cookie },
      });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
  });

  it('sends a strict Content-Security-Policy and no-store API answers', async () => {
    for (const path of ['/', '/api/meta']) {
      const r = await rawRequest(dash.port, { path, headers: { Host: host(), Cookie: cookie } });
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const api = await rawRequest(dash.port, {
      path: '/api/tasks',
      headers: { Host: host(), Cookie: cookie },
    });
    expect(api.headers['cache-control']).toBe('no-store');
  });

  it('answers a bad filter with 400 and what is wrong', async () => {
    const r = await rawRequest(dash.port, {
      path: '/api/overview?since=2026-13-45',
      headers: { Host: host(), Cookie: cookie },
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toContain('2026-13-45');
    const dim = await rawRequest(dash.port, {
      path: '/api/breakdown/colour',
      headers: { Host: host(), Cookie: cookie },
    });
    expect(dim.status).toBe(400);
    expect(JSON.parse(dim.body).error).toContain('unknown dimension "colour"');
    const cohort = await rawRequest(dash.port, {
      path: '/api/compare?a=all&b=colour:blue',
      headers: { Host: host(), Cookie: cookie },
    });
    expect(cohort.status).toBe(400);
    expect(JSON.parse(cohort.body).error).toContain('colour');
  });

  it('guards the analyses as every read: the token, then GET only; with it they answer', async () => {
    const paths = ['/api/budgets', '/api/anomalies', '/api/review', '/api/compare?a=all&b=all'];
    for (const path of paths) {
      const anon = await rawRequest(dash.port, { path, headers: { Host: host() } });
      expect(anon.status, path).toBe(401);
      const post = await rawRequest(dash.port, {
        method: 'POST',
        path,
        headers: { Host: host(), Cookie: cookie },
      });
      expect(post.status, path).toBe(405);
      const ok = await rawRequest(dash.port, { path, headers: { Host: host(), Cookie: cookie } });
      expect(ok.status, `${path}: ${ok.body}`).toBe(200);
      expect(ok.headers['cache-control']).toBe('no-store');
    }
    const budgets = await rawRequest(dash.port, {
      path: '/api/budgets',
      headers: { Host: host(), Cookie: cookie },
    });
    expect(JSON.parse(budgets.body).budgets).toEqual([]);
  });
});
