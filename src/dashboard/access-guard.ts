/**
 * Who may read the dashboard. It serves the ledger on 127.0.0.1 only, and every request must pass:
 * - the `Host` header names 127.0.0.1 or localhost with the server's port (else 403): a page on
 *   another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name, so it can
 *   never read the answers;
 * - only GET and HEAD (else 405): the dashboard only reads the ledger;
 * - the start's random token (else 401): in the URL's query on the first page load, which sets it
 *   as an HttpOnly, SameSite=Strict cookie (named per port: cookies are not kept apart by port) and
 *   redirects to the same URL without it, so the token stays out of the history and of referrers.
 * Every response carries a strict Content-Security-Policy (own scripts, styles and connections
 * only: no inline script, nothing from elsewhere) and is never framed.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const READ_METHODS = new Set(['GET', 'HEAD']);

/** The query parameter the token comes in. */
export const TOKEN_PARAM = 'token';

/** The cookie that carries the token after the first load; one per port. */
export function tokenCookieName(port: number): string {
  return `tokenledger_dashboard_${port}`;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function securityHeaders(c: Context): void {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
}

/** The guard for a server on `port()` (known once it listens) with this start's `token`. */
export function accessGuard(token: string, port: () => number): MiddlewareHandler {
  return async (c, next) => {
    securityHeaders(c);
    const p = port();
    const host = c.req.header('host');
    if (host !== `127.0.0.1:${p}` && host !== `localhost:${p}`) {
      return c.text('Forbidden: this dashboard answers only to 127.0.0.1 and localhost.\n', 403);
    }
    if (!READ_METHODS.has(c.req.method)) {
      c.header('Allow', 'GET, HEAD');
      return c.text('Method Not Allowed: the dashboard only reads the ledger.\n', 405);
    }
    const cookie = tokenCookieName(p);
    const url = new URL(c.req.url);
    const fromQuery = url.searchParams.get(TOKEN_PARAM) ?? undefined;
    if (sameToken(fromQuery, token)) {
      setCookie(c, cookie, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete(TOKEN_PARAM);
      const rest = url.searchParams.toString();
      return c.redirect(`${url.pathname}${rest === '' ? '' : `?${rest}`}`, 303);
    }
    if (!sameToken(getCookie(c, cookie), token)) {
      return c.text(
        "Unauthorized: open the URL `tokenledger dashboard` printed (it carries this start's token).\n",
        401,
      );
    }
    await next();
  };
}
