/**
 * Who may hold a WebSocket. On upgrade: the `Origin` must be the gateway's own (or allow-listed),
 * so a page on another site cannot ride an operator's loopback access or cookies; an
 * `Authorization` header, when sent, must be valid (401 otherwise, as OpsOrch Core answers). At
 * `connection_init`: the credentials (header or `{ "authorization": "Bearer …" }` payload) must
 * name a principal before `connection_ack`. Afterwards: a credential that expires or is revoked
 * closes its socket with 4403 and a reason.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { AuditLog } from '../auth/audit.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { presentedBy } from './authenticate.js';

const FORBIDDEN = 4403;
type UpgradeRequest = IncomingMessage & { principal?: Principal };

export interface WsAdmissionOptions {
  authenticator: Authenticator;
  audit: AuditLog;
  /** Origins besides the gateway's own page. */
  allowedOrigins: readonly string[];
  /** Whether the gateway serves TLS, so its own origin is https. */
  tls: boolean;
}

export class WsAdmission {
  private readonly held = new Map<WebSocket, Principal>();
  /** Sockets whose credential expires, and the timer that checks it then. */
  private readonly expiries = new Map<WebSocket, NodeJS.Timeout>();
  private readonly unlisten: () => void;
  /** One `close` listener for every held socket (`ws` calls it with the socket as `this`). */
  private readonly release: (this: WebSocket) => void;

  constructor(private readonly options: WsAdmissionOptions) {
    this.unlisten = options.authenticator.tokens.onChange(() => this.recheck());
    const { held, expiries } = this;
    this.release = function (this: WebSocket) {
      clearTimeout(expiries.get(this));
      expiries.delete(this);
      held.delete(this);
    };
  }

  /** `ws`'s `verifyClient`: runs before the upgrade completes. */
  verifyClient = (
    info: { origin: string; req: IncomingMessage },
    done: (ok: boolean, status?: number, message?: string, headers?: Record<string, string>) => void,
  ): void => {
    const req = info.req as UpgradeRequest;
    if (!this.originAllowed(info.origin, req)) {
      this.deny('ws.origin', 'ORIGIN_NOT_ALLOWED');
      done(false, 403, 'Forbidden');
      return;
    }
    if (req.headers.authorization === undefined) {
      done(true);
      return;
    }
    void this.options.authenticator.authenticate(presentedBy(req)).then((outcome) => {
      if ('principal' in outcome) {
        req.principal = outcome.principal;
        done(true);
        return;
      }
      this.deny('ws.authenticate', `UNAUTHENTICATED_${outcome.error.toUpperCase()}`);
      done(false, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer' });
    });
  };

  /**
   * graphql-ws `onConnect`: the principal for this socket, or undefined to refuse it (the socket is
   * then closed with 4403 and a reason).
   */
  async admit(
    socket: WebSocket,
    request: IncomingMessage,
    params: Readonly<Record<string, unknown>> | undefined,
  ): Promise<Principal | undefined> {
    const upgrade = request as UpgradeRequest;
    let principal = upgrade.principal;
    if (!principal) {
      const fromParams = params?.authorization ?? params?.Authorization;
      const outcome = await this.options.authenticator.authenticate({
        ...presentedBy(upgrade),
        authorization: typeof fromParams === 'string' ? fromParams : upgrade.headers.authorization,
      });
      if (!('principal' in outcome)) {
        this.deny('ws.connection_init', `UNAUTHENTICATED_${outcome.error.toUpperCase()}`);
        socket.close(FORBIDDEN, outcome.error === 'missing' ? 'credentials required' : 'invalid credentials');
        return undefined;
      }
      principal = outcome.principal;
    }
    this.hold(socket, principal);
    return principal;
  }

  /** Sockets held under a credential right now. */
  get size(): number {
    return this.held.size;
  }

  dispose(): void {
    this.unlisten();
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
    this.held.clear();
  }

  private hold(socket: WebSocket, principal: Principal): void {
    // Closed while its credential was checked: its `close` has been, and would not release it.
    if (socket.readyState === socket.CLOSED) return;
    this.held.set(socket, principal);
    this.arm(socket, principal);
    // `on`, not `once`: a socket closes once, and `once` would wrap the listener per socket.
    socket.on('close', this.release);
  }

  private arm(socket: WebSocket, principal: Principal): void {
    const expiresAt = principal.expiresAt;
    if (expiresAt === undefined) return;
    // setTimeout caps at ~24.8 days; a later expiry is checked again when the timer fires.
    const wait = Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1);
    clearTimeout(this.expiries.get(socket));
    const timer = setTimeout(() => this.check(socket), wait);
    timer.unref();
    this.expiries.set(socket, timer);
  }

  private recheck(): void {
    for (const socket of [...this.held.keys()]) this.check(socket);
  }

  private check(socket: WebSocket): void {
    const principal = this.held.get(socket);
    if (!principal) return;
    const state = this.options.authenticator.stillValid(principal);
    if (state === 'ok' && this.expiries.has(socket) && (principal.expiresAt ?? 0) > Date.now()) {
      this.arm(socket, principal);
    }
    if (state === 'ok') return;
    this.options.audit.record({
      actor: principal.actor,
      operation: 'websocket',
      action: 'ws.session',
      outcome: 'denied',
      errorCode: state === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_REVOKED',
    });
    socket.close(FORBIDDEN, state === 'expired' ? 'token expired' : 'token revoked');
  }

  private originAllowed(origin: string | undefined, req: IncomingMessage): boolean {
    // Browsers always send Origin on a WebSocket; clients that omit it are not browsers.
    if (!origin) return true;
    const own = `${this.options.tls ? 'https' : 'http'}://${req.headers.host ?? ''}`;
    return origin === own || this.options.allowedOrigins.includes(origin);
  }

  private deny(action: string, errorCode: string): void {
    this.options.audit.record({
      actor: null,
      operation: 'websocket',
      action,
      outcome: 'denied',
      errorCode,
    });
  }
}
