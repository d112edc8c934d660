import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  applyQuery,
  emptyObject,
  getAt,
  hashNode,
  isFilteringQuery,
  isObject,
  normalize,
  resolveServerValues,
  setAt,
  splitPath,
  type Json,
  type QuerySpec,
} from './tree';

/**
 * A Realtime Database server that speaks the client wire protocol (v5) over WebSocket, so the
 * unmodified `firebase-admin` SDK talks to it exactly as it talks to Firebase or the official
 * emulator: listens (with queries), unlistens, gets, sets, merges, transactions (hash checks),
 * server values (timestamp, increment) and onDisconnect. It keeps the whole tree in memory;
 * with a journal, every write is recorded there and nothing that depends on it (its
 * acknowledgement, what listeners receive, later reads) leaves the server before the journal
 * says it is durable. Security rules are not evaluated here: the server is the only writer and uses admin
 * credentials; rules are tested separately.
 */
export interface RtdbServerOptions {
  port?: number;
  host?: string;
  initialData?: Json;
  /** Where writes are made durable; none keeps them in memory only. */
  journal?: WriteJournal;
}

/** One write as stored: the value (server values resolved, normalized) now at each path. */
export type WriteChanges = ReadonlyArray<readonly [segments: string[], value: Json]>;

export interface WriteJournal {
  /** Records a write already applied to the tree; returns its sequence number (1, 2, …). */
  append(changes: WriteChanges): number;
  /** The highest sequence number known to be durable. */
  readonly durableSeq: number;
  /** `listener(seq)` runs each time the writes up to `seq` become durable. */
  onDurable(listener: (seq: number) => void): void;
  /** Resolves once every write appended so far is durable. */
  flush(): Promise<void>;
}

interface Listen {
  segments: string[];
  query?: QuerySpec;
  tag?: number;
}

interface Client {
  ws: WebSocket;
  listens: Map<string, Listen>;
  onDisconnect: Array<{ kind: 'set' | 'merge'; segments: string[]; data?: unknown }>;
  frames: { expected: number; parts: string[] } | null;
}

interface Request {
  r: number;
  a: string;
  b: Record<string, unknown>;
}

const MAX_FRAME_CHARS = 16384;

export class RtdbServer {
  private root: Json;
  private readonly clients = new Set<Client>();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly journal?: WriteJournal;
  /** Sequence number of the last write applied to the tree (journal only). */
  private appliedSeq = 0;
  /** Messages waiting for the writes they depend on to be durable, in sending order. */
  private held: Array<{ client: Client; text: string; seq: number }> = [];
  private heldStart = 0;
  private closing = false;
  /** Requests served, by protocol action ('q' listen, 'g' get, 'p' set, 'm' merge…), and bytes sent: for benchmarks and cost tests. */
  readonly stats = { requests: {} as Record<string, number>, bytesSent: 0 };
  /** When an array, every counted request is also recorded with its path (see `resetStats`). */
  private trace: Array<{ action: string; path: string }> | null = null;

  constructor(private readonly options: RtdbServerOptions = {}) {
    this.root = normalize(options.initialData ?? null);
    this.journal = options.journal;
    if (this.journal) {
      this.appliedSeq = this.journal.durableSeq;
      this.journal.onDurable((seq) => this.release(seq));
    }
    this.http = createServer((req, res) => this.handleRest(req, res));
    this.wss = new WebSocketServer({ server: this.http });
    // The HTTP server's errors (EADDRINUSE…) reach listen()'s promise; the WebSocket server
    // re-emits them, and an unhandled 'error' event would crash the process.
    this.wss.on('error', () => undefined);
    this.wss.on('connection', (ws, req) => this.handleConnection(ws, req.headers.host ?? `127.0.0.1:${this.port}`));
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? 9000, this.options.host ?? '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The whole tree as JSON (for persistence and inspection). */
  data(): Json {
    return this.root;
  }

  read(path: string): Json {
    return getAt(this.root, splitPath(path));
  }

  /** Clears the request counters. */
  resetStats(options: { trace?: boolean } = {}): void {
    this.stats.requests = {};
    this.stats.bytesSent = 0;
    this.trace = options.trace ? [] : null;
  }

  /** The requests recorded since `resetStats({ trace: true })`, in arrival order. */
  traced(): Array<{ action: string; path: string }> {
    return this.trace ?? [];
  }

  /** Drops every client connection, as a network outage would. Clients reconnect by themselves. */
  disconnectAll(): void {
    for (const c of this.clients) c.ws.terminate();
  }

  /**
   * Stops accepting connections and requests, makes every applied write durable, delivers
   * the acknowledgements and events waiting for it, then closes the connections (a client
   * whose write was applied always gets its acknowledgement, so it never sends it again).
   */
  async close(): Promise<void> {
    this.closing = true;
    const stopped = Promise.all([
      new Promise<void>((resolve) => this.wss.close(() => resolve())),
      new Promise<void>((resolve) => this.http.close(() => resolve())),
    ]);
    this.http.closeIdleConnections?.();
    await this.journal?.flush();
    await Promise.all([...this.clients].map((c) => closeGracefully(c.ws)));
    // onDisconnect writes of the closed connections.
    await this.journal?.flush();
    this.http.closeAllConnections?.();
    await stopped;
  }

  /** Drops every connection without delivering what waits (the journal failed: nothing more can be acknowledged). */
  abort(): void {
    this.closing = true;
    this.held = [];
    this.heldStart = 0;
    for (const c of this.clients) c.ws.terminate();
    this.wss.close();
    this.http.close();
    this.http.closeAllConnections?.();
  }

  // ---- REST (read-only): `curl http://127.0.0.1:9000/tenants/demo/pedidos.json` ----
  private handleRest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || !url.pathname.endsWith('.json')) {
      res.writeHead(405, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'only GET /<path>.json is supported' }));
      return;
    }
    const path = decodeURIComponent(url.pathname.slice(0, -'.json'.length));
    const value = toClientJson(getAt(this.root, splitPath(path)));
    const body = url.searchParams.has('print') ? JSON.stringify(value, null, 2) : JSON.stringify(value);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  }

  // ---- WebSocket protocol ----
  private handleConnection(ws: WebSocket, host: string): void {
    const client: Client = { ws, listens: new Map(), onDisconnect: [], frames: null };
    this.clients.add(client);
    // `h` becomes the host the client reconnects to, so it must be the address it used.
    this.send(client, { t: 'c', d: { t: 'h', d: { ts: Date.now(), v: '5', h: host, s: randomBytes(8).toString('hex') } } });
    ws.on('message', (raw) => this.handleFrame(client, raw.toString()));
    ws.on('close', () => {
      this.clients.delete(client);
      this.runOnDisconnect(client);
    });
    ws.on('error', () => ws.terminate());
  }

  private handleFrame(client: Client, text: string): void {
    // Large client messages arrive as a frame count followed by that many parts.
    if (client.frames) {
      client.frames.parts.push(text);
      if (client.frames.parts.length < client.frames.expected) return;
      text = client.frames.parts.join('');
      client.frames = null;
    } else if (text.length <= 6 && /^\d+$/.test(text)) {
      const expected = Number(text);
      if (expected > 0) client.frames = { expected, parts: [] };
      return; // "0" is a keep-alive
    }
    let message: { t?: string; d?: Request };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.t !== 'd' || !message.d || typeof message.d.a !== 'string') return;
    // While closing, requests are left unanswered and unapplied: the client sends them again
    // to the next server, so each is applied once.
    if (this.closing) return;
    const request = message.d;
    this.stats.requests[request.a] = (this.stats.requests[request.a] ?? 0) + 1;
    this.trace?.push({ action: request.a, path: typeof request.b?.p === 'string' ? request.b.p : '' });
    try {
      this.handleRequest(client, request);
    } catch (error) {
      // Never leave a client waiting: an unanswered request hangs its promise forever.
      this.respond(client, request.r, 'error', String(error instanceof Error ? error.message : error));
    }
  }

  private handleRequest(client: Client, req: Request): void {
    const body = req.b ?? {};
    const segments = splitPath(typeof body.p === 'string' ? body.p : '');
    switch (req.a) {
      case 'auth':
      case 'gauth':
        this.respond(client, req.r, 'ok', { auth: null, admin: true, expires: null });
        return;
      case 'unauth':
      case 's':
        this.respond(client, req.r, 'ok', '');
        return;
      case 'l':
      case 'q': {
        const listen: Listen = { segments, query: body.q as QuerySpec | undefined, tag: body.t as number | undefined };
        client.listens.set(listenKey(segments, listen.query), listen);
        this.pushListen(client, listen);
        this.respond(client, req.r, 'ok', {});
        return;
      }
      case 'n':
        client.listens.delete(listenKey(segments, body.q as QuerySpec | undefined));
        this.respond(client, req.r, 'ok', {});
        return;
      case 'g': {
        const value = getAt(this.root, segments);
        const q = body.q as QuerySpec | undefined;
        this.respond(client, req.r, 'ok', isFilteringQuery(q) ? applyQuery(value, q) : value);
        return;
      }
      case 'p': {
        if (typeof body.h === 'string' && hashNode(getAt(this.root, segments)) !== body.h) {
          this.respond(client, req.r, 'datastale', 'Transaction hash does not match');
          return;
        }
        this.write(segments, body.d);
        this.respond(client, req.r, 'ok', {});
        return;
      }
      case 'm':
        this.merge(segments, body.d);
        this.respond(client, req.r, 'ok', {});
        return;
      case 'o':
      case 'om':
        client.onDisconnect.push({ kind: req.a === 'o' ? 'set' : 'merge', segments, data: body.d });
        this.respond(client, req.r, 'ok', {});
        return;
      case 'oc':
        client.onDisconnect = client.onDisconnect.filter((op) => !isPrefix(segments, op.segments));
        this.respond(client, req.r, 'ok', {});
        return;
      default:
        this.respond(client, req.r, 'error', `unsupported action ${req.a}`);
    }
  }

  private runOnDisconnect(client: Client): void {
    for (const op of client.onDisconnect) {
      if (op.kind === 'set') this.write(op.segments, op.data);
      else this.merge(op.segments, op.data);
    }
  }

  /** Sets `data` at `segments`, resolving server values, then tells listeners. */
  private write(segments: string[], data: unknown): void {
    const resolved = resolveServerValues(data, Date.now(), (rel) => getAt(this.root, [...segments, ...rel]));
    const value = normalize(resolved);
    this.root = setAt(this.root, segments, value);
    if (this.journal) this.appliedSeq = this.journal.append([[segments, value]]);
    this.broadcast(segments, [segments]);
  }

  /** Applies a multi-path update (keys are child paths relative to `segments`) atomically. */
  private merge(segments: string[], data: unknown): void {
    if (!isObject(data)) throw new Error('merge data must be an object');
    const now = Date.now();
    const changes = Object.entries(data).map(([rel, value]) => {
      const target = [...segments, ...splitPath(rel)];
      return { target, value: normalize(resolveServerValues(value, now, (r) => getAt(this.root, [...target, ...r]))) };
    });
    for (const c of changes) this.root = setAt(this.root, c.target, c.value);
    if (this.journal) this.appliedSeq = this.journal.append(changes.map((c) => [c.target, c.value] as const));
    this.broadcast(segments, changes.map((c) => c.target));
  }

  /**
   * Sends every client what changed. A client listening at or above the write path gets the
   * new values at the changed paths; one listening below gets its own subtree; a query
   * listener gets its whole (re-filtered) result, tagged.
   */
  private broadcast(base: string[], changed: string[][]): void {
    for (const client of this.clients) {
      if (client.listens.size === 0) continue;
      const sentPaths = new Set<string>();
      const covering = [...client.listens.values()].filter((l) => !l.tag && isPrefix(l.segments, base));
      if (covering.length > 0) {
        if (changed.length === 1 && changed[0] === base) {
          this.pushData(client, base, getAt(this.root, base));
        } else {
          const d = emptyObject();
          for (const c of changed) d[c.slice(base.length).join('/')] = getAt(this.root, c);
          this.send(client, { t: 'd', d: { a: 'm', b: { p: '/' + base.join('/'), d } } });
        }
        sentPaths.add(base.join('/'));
      }
      for (const listen of client.listens.values()) {
        const touched = changed.some((c) => isPrefix(listen.segments, c) || isPrefix(c, listen.segments));
        if (!touched) continue;
        if (listen.tag) {
          this.pushListen(client, listen);
          continue;
        }
        if (covering.length > 0) continue;
        for (const c of changed) {
          if (isPrefix(listen.segments, c)) {
            const key = c.join('/');
            if (!sentPaths.has(key)) {
              sentPaths.add(key);
              this.pushData(client, c, getAt(this.root, c));
            }
          } else if (isPrefix(c, listen.segments)) {
            const key = listen.segments.join('/');
            if (!sentPaths.has(key)) {
              sentPaths.add(key);
              this.pushData(client, listen.segments, getAt(this.root, listen.segments));
            }
          }
        }
      }
    }
  }

  private pushListen(client: Client, listen: Listen): void {
    const value = getAt(this.root, listen.segments);
    if (listen.tag && isFilteringQuery(listen.query)) {
      this.pushData(client, listen.segments, applyQuery(value, listen.query), listen.tag);
    } else {
      this.pushData(client, listen.segments, value, listen.tag);
    }
  }

  private pushData(client: Client, segments: string[], data: Json, tag?: number): void {
    const b: Record<string, unknown> = { p: '/' + segments.join('/'), d: data };
    if (tag) b.t = tag;
    this.send(client, { t: 'd', d: { a: 'd', b } });
  }

  private respond(client: Client, requestId: number, status: string, data: unknown): void {
    this.send(client, { t: 'd', d: { r: requestId, b: { s: status, d: data } } });
  }

  /**
   * Sends now, or, when writes are applied but not yet durable, once they are: an
   * acknowledgement, an event or a read never reveals a write that a crash could still undo.
   */
  private send(client: Client, message: unknown): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    const text = JSON.stringify(message);
    this.stats.bytesSent += text.length;
    if (this.journal && (this.held.length > this.heldStart || this.appliedSeq > this.journal.durableSeq)) {
      this.held.push({ client, text, seq: this.appliedSeq });
      return;
    }
    this.transmit(client, text);
  }

  private release(durableSeq: number): void {
    while (this.heldStart < this.held.length && this.held[this.heldStart]!.seq <= durableSeq) {
      const { client, text } = this.held[this.heldStart++]!;
      this.transmit(client, text);
    }
    if (this.heldStart === this.held.length) {
      this.held = [];
      this.heldStart = 0;
    } else if (this.heldStart > 1024 && this.heldStart * 2 > this.held.length) {
      this.held = this.held.slice(this.heldStart);
      this.heldStart = 0;
    }
  }

  private transmit(client: Client, text: string): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (text.length <= MAX_FRAME_CHARS) {
      client.ws.send(text);
      return;
    }
    const parts = Math.ceil(text.length / MAX_FRAME_CHARS);
    client.ws.send(String(parts));
    for (let i = 0; i < parts; i++) client.ws.send(text.slice(i * MAX_FRAME_CHARS, (i + 1) * MAX_FRAME_CHARS));
  }
}

/** Like Firebase's REST API: an object whose keys are mostly 0..n-1 reads back as an array. */
function toClientJson(value: Json): unknown {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const ints = keys.every((k) => /^(0|[1-9]\d{0,8})$/.test(k));
  const max = ints ? Math.max(...keys.map(Number)) : -1;
  if (ints && keys.length > 0 && max < 2 * keys.length) {
    const arr: unknown[] = new Array(max + 1).fill(null);
    for (const k of keys) arr[Number(k)] = toClientJson(value[k] ?? null);
    return arr;
  }
  return Object.fromEntries(keys.map((k) => [k, toClientJson(value[k] ?? null)]));
}

/** Closes after everything queued on the socket is sent; cut off if the peer does not answer. */
function closeGracefully(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    const timer = setTimeout(() => ws.terminate(), 2000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(1001, 'server closing');
  });
}

function isPrefix(prefix: string[], path: string[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((s, i) => s === path[i]);
}

function listenKey(segments: string[], query: QuerySpec | undefined): string {
  return `${segments.join('/')}|${query && Object.keys(query).length ? JSON.stringify(query, Object.keys(query).sort()) : 'default'}`;
}
