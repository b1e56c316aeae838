/**
 * `tokenledger dashboard` as the tests run it: started in a sandbox, its URL (the first line of its
 * stdout) read, stopped by SIGTERM; and plain HTTP requests to it with any Host header and method.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import type { Sandbox } from './cli.js';

export interface RunningDashboard {
  /** The URL it printed, with the token. */
  url: string;
  origin: string;
  port: number;
  token: string;
  child: ChildProcessWithoutNullStreams;
  /** Everything it wrote to stderr so far. */
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts `tokenledger dashboard ARGS` (in `cwd`, else the sandbox's) and resolves once it printed its URL. */
export function startDashboard(
  sandbox: Sandbox,
  args: readonly string[],
  o: { cwd?: string } = {},
): Promise<RunningDashboard> {
  const child = sandbox.spawn(['dashboard', ...args], o.cwd === undefined ? {} : { cwd: o.cwd });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the dashboard printed no URL within 60 s; stderr: ${err}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the dashboard exited (${code}) before printing its URL; stderr: ${err}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const url = out.slice(0, nl);
      const parsed = new URL(url);
      resolve({
        url,
        origin: parsed.origin,
        port: Number(parsed.port),
        token: parsed.searchParams.get('token') ?? '',
        child,
        stderr: () => err,
        stop,
      });
    });
  });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to 127.0.0.1:port with exactly these method, path and headers (Host included). */
export function rawRequest(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string> },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path, headers: o.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
