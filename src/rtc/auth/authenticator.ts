/** A request about to be sent; `headers` and `body` are exactly what will go on the wire. */
export interface AuthRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  signal?: AbortSignal;
}

/** Adds credentials to a request (token header, or AK/SK signature). */
export interface Authenticator {
  /** Returns the complete header set to send. */
  authorize(req: AuthRequest): Promise<Record<string, string>>;
  /** Forgets a cached token so the next request fetches a new one; a no-op for static credentials. */
  invalidate(): void;
}
