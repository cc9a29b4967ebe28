/**
 * A logged-in Vault session: the token every request carries, kept alive. A configured token is
 * looked up once (`auth/token/lookup-self`) and renewed (`auth/token/renew-self`) at two thirds
 * of its TTL while Vault says it is renewable; an AppRole session logs in
 * (`auth/<approleMount>/login`), renews the same way, and logs in again when a renewal fails or
 * Vault refuses the token (its max TTL ran out).
 */
import { AdapterError, type AdapterLogger } from '../contract/index.js';
import { type HttpClient, type RequestOptions, redact } from '../http/index.js';
import type { VaultConfig } from './config.js';

interface AuthAnswer {
  auth?: { client_token?: string; lease_duration?: number; renewable?: boolean } | null;
}
interface LookupAnswer {
  data?: { ttl?: number; renewable?: boolean } | null;
}

const MIN_RENEW_MS = 1_000;

export class VaultSession {
  private token: string | undefined;
  private pending: Promise<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly http: HttpClient,
    private readonly config: VaultConfig,
    private readonly logger: AdapterLogger,
  ) {}

  /** A request with the session's token; a refused AppRole token is replaced once, then retried (reads only). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const token = await this.current(options.signal);
    try {
      return await this.send<T>(method, path, token, options);
    } catch (err) {
      if (!(this.config.roleId && method === 'GET' && err instanceof AdapterError && err.code === 'FORBIDDEN'))
        throw err;
      if (this.token === token) this.token = undefined;
      return this.send<T>(method, path, await this.current(options.signal), options);
    }
  }

  private async send<T>(method: string, path: string, token: string, options: RequestOptions): Promise<T> {
    try {
      return await this.http.request<T>(method, path, {
        ...options,
        headers: { ...options.headers, 'x-vault-token': token },
      });
    } catch (err) {
      throw this.safe(err);
    }
  }

  /** Error messages never carry a token, even one Vault issued to us at run time. */
  private safe(err: unknown): unknown {
    if (!(err instanceof AdapterError) || !this.token) return err;
    const message = redact(err.message, [this.token]);
    return message === err.message
      ? err
      : new AdapterError(err.code, message, err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter });
  }

  private current(signal?: AbortSignal): Promise<string> {
    if (this.token) return Promise.resolve(this.token);
    this.pending ??= this.start(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async start(signal?: AbortSignal): Promise<string> {
    const opts = signal ? { signal } : {};
    if (this.config.roleId && this.config.secretId) {
      const answer = await this.http
        .post<AuthAnswer>(
          `/v1/auth/${this.config.approleMount}/login`,
          {
            role_id: this.config.roleId,
            secret_id: this.config.secretId,
          },
          opts,
        )
        .catch((err: unknown) => {
          throw this.safe(err);
        });
      const token = answer?.auth?.client_token;
      if (!token) throw new AdapterError('PROVIDER_ERROR', 'Vault answered the AppRole login without a client token');
      this.token = token;
      this.schedule(answer.auth?.lease_duration ?? 0, answer.auth?.renewable ?? false);
      return token;
    }
    const token = this.config.token as string;
    const lookup = await this.send<LookupAnswer>('GET', '/v1/auth/token/lookup-self', token, opts);
    this.token = token;
    this.schedule(lookup?.data?.ttl ?? 0, lookup?.data?.renewable ?? false);
    return token;
  }

  /** Renews at two thirds of the TTL; a token without a TTL (a root token) never needs it. */
  private schedule(ttlSeconds: number, renewable: boolean): void {
    clearTimeout(this.timer);
    if (this.closed || ttlSeconds <= 0 || (!renewable && !this.config.roleId)) return;
    const delay = Math.max(MIN_RENEW_MS, (ttlSeconds * 1000 * 2) / 3);
    this.timer = setTimeout(() => void this.renew(renewable), delay);
    this.timer.unref();
  }

  private async renew(renewable: boolean): Promise<void> {
    const token = this.token;
    if (!token || this.closed) return;
    try {
      if (!renewable) throw new AdapterError('UNSUPPORTED', 'the token is not renewable');
      const answer = await this.send<AuthAnswer>('POST', '/v1/auth/token/renew-self', token, { body: {} });
      const ttl = answer?.auth?.lease_duration ?? 0;
      this.logger.debug({ ttlSeconds: ttl }, 'Vault token renewed');
      this.schedule(ttl, answer?.auth?.renewable ?? false);
    } catch (err) {
      if (this.config.roleId) {
        // A fresh login replaces a token that can no longer be renewed.
        this.token = undefined;
        this.logger.info({ reason: (err as Error).message }, 'Vault token not renewed; logging in again with AppRole');
        await this.current().catch((loginErr: unknown) =>
          this.logger.warn({ err: (loginErr as Error).message }, 'Vault AppRole login failed'),
        );
        return;
      }
      this.logger.warn({ err: (err as Error).message }, 'Vault token renewal failed');
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
