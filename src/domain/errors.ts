/** The project's small error vocabulary. Tests assert on `code`, never on message text. */
export class ProvisionerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad settings or tenants file: exit 2. */
export class ConfigError extends ProvisionerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CONFIG', message, options);
  }
}

/** Input that cannot be read at all (not a single bad row: those become `invalid_input`). */
export class InputError extends ProvisionerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INPUT', message, options);
  }
}

/** Redis (or another piece of infrastructure) is unavailable: exit 3. */
export class InfrastructureError extends ProvisionerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INFRA', message, options);
  }
}

/** A remote failure that must not be retried. */
export class TerminalError extends ProvisionerError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A remote failure worth another attempt, optionally not before `retryAfterMs`. */
export class RetryableError extends ProvisionerError {
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(code, message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}
