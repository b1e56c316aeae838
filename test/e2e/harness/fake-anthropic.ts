/**
 * A fake Anthropic Messages API on 127.0.0.1 (node:http only), started in-process by e2e tests so the
 * real Claude Code CLI can run offline with token numbers the test controls. It also accepts OTLP
 * http/json exports and, when the CLI's proxy variables point at it, logs and refuses any attempt to
 * reach another host (CONNECT or absolute-form requests).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { type ApiUsage, toApiUsage } from './api-usage.js';
import { encodeSse, messageSseEvents, messageStartEvent, type ResponseMessage } from './message-sse.js';
import { describeRequest, turnMatches } from './request-view.js';
import type { ContentSpec, FallbackTurn, RequestView, Scenario, ScriptedTurn } from './scenario-types.js';

/** Fields every recorded request has. */
interface RecordedBase {
  /** Order of arrival, from 1. */
  seq: number;
  /** `Date.now()` on arrival. */
  at: number;
  method: string;
  path: string;
  query: string;
  /** HTTP status answered (0 for a cut stream). */
  status: number;
  userAgent: string | null;
}

/** A `POST /v1/messages` request and what it was answered with. */
export interface RecordedMessagesRequest extends RecordedBase {
  kind: 'messages';
  model: string;
  stream: boolean;
  view: RequestView;
  /** Id of the turn that answered (the fallback's id when none matched). */
  turnId: string;
  matched: boolean;
  /** The `request-id` header sent back. */
  requestId: string;
  messageId: string;
  /** The `model` in the response. */
  responseModel: string;
  /** The final usage of the response (a cut stream only sent its `message_start` snapshot). */
  usage: ApiUsage;
  /** The `x-claude-code-session-id` request header. */
  sessionId: string | null;
  /** `pending` until answered; `aborted` when the client went away first. */
  outcome: 'pending' | 'completed' | 'cut' | 'error' | 'aborted';
  body: Record<string, unknown>;
}

/** An OTLP export (`POST /v1/metrics|logs|traces`). */
export interface RecordedOtlpRequest extends RecordedBase {
  kind: 'otlp';
  signal: 'metrics' | 'logs' | 'traces';
  contentType: string | null;
  /** The parsed JSON body, or null for a non-JSON (e.g. protobuf) export. */
  body: unknown;
}

/** Any other request: count_tokens, models, an egress attempt, or an unknown route (404). */
export interface RecordedOtherRequest extends RecordedBase {
  kind: 'count_tokens' | 'models' | 'egress' | 'other';
  /** For egress: the host or URL the client tried to reach. */
  target: string | null;
  bodyHead: string;
}

/** One request the fake server saw. */
export type RecordedRequest = RecordedMessagesRequest | RecordedOtlpRequest | RecordedOtherRequest;

/** Usage of one response that was delivered completely (cut streams are not listed). */
export interface ServedUsage {
  requestId: string;
  messageId: string;
  /** The model in the response. */
  model: string;
  turnId: string;
  usage: ApiUsage;
}

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`: ANTHROPIC_BASE_URL, OTLP endpoint and proxy all in one. */
  url: string;
  port: number;
  /** Every request, in order of arrival. */
  requests: RecordedRequest[];
  /** Usage of every completed response, in order of completion. */
  usageServed: ServedUsage[];
  /** The `POST /v1/messages` requests only. */
  messages(): RecordedMessagesRequest[];
  /** Ids of the scenario's turns that no request used. */
  unusedTurns(): string[];
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

interface TurnState {
  turn: ScriptedTurn;
  used: boolean;
  breaksLeft: number;
}

const DEFAULT_FALLBACK: FallbackTurn = {
  id: 'fallback',
  content: [{ type: 'text', text: 'fallback reply' }],
  usage: { input: 7, output: 3 },
};

const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101'];

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function apiError(
  res: http.ServerResponse,
  status: number,
  type: string,
  message: string,
  requestId?: string,
) {
  sendJson(
    res,
    status,
    { type: 'error', error: { type, message } },
    requestId ? { 'request-id': requestId } : {},
  );
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

/**
 * Starts a fake Messages API for `scenario` on 127.0.0.1 (a free port). Scripted turns answer
 * requests by content: the first not-yet-used turn whose `match` holds wins; otherwise the fallback.
 */
export function startFakeAnthropic(scenario: Scenario): Promise<FakeServer> {
  const tag = randomBytes(3).toString('hex');
  const turns: TurnState[] = scenario.turns.map((turn) => ({
    turn,
    used: false,
    breaksLeft: turn.breakStreamTimes ?? 0,
  }));
  const fallback = scenario.fallback ?? DEFAULT_FALLBACK;
  const startOutput = scenario.startOutputTokens ?? 1;
  const requests: RecordedRequest[] = [];
  const usageServed: ServedUsage[] = [];
  const rawSockets = new Set<Socket>();
  let seq = 0;
  let toolCounter = 0;

  function pick(view: RequestView): TurnState | null {
    for (const state of turns) {
      if (state.used && state.turn.repeat !== true) continue;
      if (turnMatches(state.turn.match, view)) return state;
    }
    return null;
  }

  function materialize(content: ContentSpec[]): Record<string, unknown>[] {
    return content.map((b): Record<string, unknown> => {
      if (b.type === 'text') return { type: 'text', text: b.text };
      if (b.type === 'thinking') {
        return { type: 'thinking', thinking: b.thinking, signature: b.signature ?? 'fake-signature' };
      }
      const id = b.id ?? `toolu_fake_${tag}_${String(++toolCounter).padStart(3, '0')}`;
      return { type: 'tool_use', id, name: b.name, input: b.input };
    });
  }

  function buildMessage(turn: FallbackTurn, requestedModel: string, n: number): ResponseMessage {
    const content = materialize(turn.content);
    return {
      id: `msg_fake_${tag}_${String(n).padStart(4, '0')}`,
      type: 'message',
      role: 'assistant',
      model: turn.model ?? (requestedModel || MODELS[0] || ''),
      content,
      stop_reason: turn.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage: toApiUsage(turn.usage),
    };
  }

  function streamMessage(res: http.ServerResponse, msg: ResponseMessage, requestId: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': requestId,
    });
    const events = messageSseEvents(msg, {
      startOutputTokens: startOutput,
      deltaUsage: scenario.deltaUsage ?? 'full',
    });
    for (const e of events) res.write(encodeSse(e));
    res.end();
  }

  async function handleMessages(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    base: RecordedBase,
    body: Record<string, unknown>,
  ): Promise<void> {
    const view = describeRequest(body);
    const state = pick(view);
    const turn: FallbackTurn = state?.turn ?? fallback;
    const msg = buildMessage(turn, view.model, base.seq);
    const requestId = `req_fake_${tag}_${String(base.seq).padStart(4, '0')}`;
    const cut = state !== null && view.stream && state.breaksLeft > 0;
    if (state !== null) {
      if (cut) state.breaksLeft -= 1;
      else state.used = true;
    }
    const rec: RecordedMessagesRequest = {
      ...base,
      kind: 'messages',
      model: view.model,
      stream: view.stream,
      view,
      turnId: turn.id,
      matched: state !== null,
      requestId,
      messageId: msg.id,
      responseModel: msg.model,
      usage: msg.usage,
      sessionId: header(req, 'x-claude-code-session-id'),
      outcome: 'pending',
      body,
    };
    requests.push(rec);
    res.on('close', () => {
      if (rec.outcome === 'pending') rec.outcome = 'aborted';
    });
    if (turn.delayMs !== undefined && turn.delayMs > 0) {
      // Waits, but no longer than the client does (a killed client must not leave a timer behind).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, turn.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (rec.outcome === 'aborted') return;
    }
    if (turn.error !== undefined) {
      rec.status = turn.error.status;
      rec.outcome = 'error';
      apiError(res, turn.error.status, turn.error.type, turn.error.message, requestId);
      return;
    }
    if (cut) {
      rec.status = 0;
      rec.outcome = 'cut';
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': requestId });
      res.write(encodeSse(messageStartEvent(msg, startOutput)));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.on('finish', () => {
      if (rec.outcome !== 'pending') return;
      rec.outcome = 'completed';
      usageServed.push({ requestId, messageId: msg.id, model: msg.model, turnId: turn.id, usage: msg.usage });
    });
    if (view.stream) streamMessage(res, msg, requestId);
    else sendJson(res, 200, msg, { 'request-id': requestId });
  }

  const server = http.createServer((req, res) => {
    const base: RecordedBase = {
      seq: ++seq,
      at: Date.now(),
      method: req.method ?? '',
      path: '',
      query: '',
      status: 200,
      userAgent: header(req, 'user-agent'),
    };
    const rawUrl = req.url ?? '/';
    void readBody(req).then(async (raw) => {
      try {
        // Absolute-form request line: a client used us as its HTTP proxy for another host.
        if (/^[a-z]+:\/\//i.test(rawUrl)) {
          requests.push({ ...base, kind: 'egress', status: 403, path: rawUrl, target: rawUrl, bodyHead: '' });
          sendJson(res, 403, { error: 'egress blocked by fake-anthropic' });
          return;
        }
        const url = new URL(rawUrl, 'http://127.0.0.1');
        base.path = url.pathname;
        base.query = url.search;
        const p = url.pathname;
        const json = parseJson(raw);
        if (req.method === 'POST' && (p === '/v1/metrics' || p === '/v1/logs' || p === '/v1/traces')) {
          const signal = p === '/v1/metrics' ? 'metrics' : p === '/v1/logs' ? 'logs' : 'traces';
          requests.push({
            ...base,
            kind: 'otlp',
            signal,
            contentType: header(req, 'content-type'),
            body: json,
          });
          sendJson(res, 200, {});
          return;
        }
        if (req.method === 'POST' && p === '/v1/messages') {
          if (typeof json !== 'object' || json === null || Array.isArray(json)) {
            requests.push({
              ...base,
              kind: 'other',
              status: 400,
              target: null,
              bodyHead: raw.toString('utf8', 0, 300),
            });
            apiError(res, 400, 'invalid_request_error', 'body must be a JSON object');
            return;
          }
          await handleMessages(req, res, base, json as Record<string, unknown>);
          return;
        }
        if (req.method === 'POST' && p === '/v1/messages/count_tokens') {
          requests.push({
            ...base,
            kind: 'count_tokens',
            target: null,
            bodyHead: raw.toString('utf8', 0, 300),
          });
          sendJson(res, 200, {
            input_tokens: scenario.countTokens ?? Math.max(1, Math.ceil(raw.length / 4)),
          });
          return;
        }
        if (req.method === 'GET' && (p === '/v1/models' || p.startsWith('/v1/models/'))) {
          requests.push({ ...base, kind: 'models', target: null, bodyHead: '' });
          const model = (id: string) => ({
            type: 'model',
            id,
            display_name: id,
            created_at: '2025-01-01T00:00:00Z',
          });
          const id = p.split('/')[3];
          if (id) sendJson(res, 200, model(decodeURIComponent(id)));
          else
            sendJson(res, 200, {
              data: MODELS.map(model),
              has_more: false,
              first_id: MODELS[0],
              last_id: MODELS.at(-1),
            });
          return;
        }
        requests.push({
          ...base,
          kind: 'other',
          status: 404,
          target: null,
          bodyHead: raw.toString('utf8', 0, 300),
        });
        apiError(res, 404, 'not_found_error', `fake-anthropic: no route for ${req.method} ${p}`);
      } catch (err) {
        if (!res.headersSent) apiError(res, 500, 'api_error', String(err));
        else res.destroy();
      }
    });
  });

  // Egress guard: with HTTPS_PROXY pointing here, a TLS connection to any host arrives as CONNECT.
  server.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    requests.push({
      seq: ++seq,
      at: Date.now(),
      method: 'CONNECT',
      path: req.url ?? '',
      query: '',
      status: 403,
      userAgent: header(req, 'user-agent'),
      kind: 'egress',
      target: req.url ?? null,
      bodyHead: '',
    });
    rawSockets.add(socket);
    socket.on('close', () => rawSockets.delete(socket));
    socket.on('error', () => {});
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });
  server.keepAliveTimeout = 1000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('fake-anthropic: no TCP address'));
        return;
      }
      const port = address.port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        usageServed,
        messages: () => requests.filter((r): r is RecordedMessagesRequest => r.kind === 'messages'),
        unusedTurns: () => turns.filter((t) => !t.used).map((t) => t.turn.id),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            for (const s of rawSockets) s.destroy();
          }),
      });
    });
  });
}
