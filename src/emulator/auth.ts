import type { FastifyRequest } from 'fastify';
import {
  canonicalRequest,
  parseAuthorization,
  parseSdkDate,
  signature,
  stringToSign,
} from '../signing/sdk-hmac-sha256';
import type { ApiError } from './api-error';
import { errors } from './api-error';
import type { EmulatorContext } from './context';
import { rawBody } from './http';
import type { EmulatorTenant } from './options';

export type AuthResult =
  | { ok: true; tenant: EmulatorTenant }
  /** `tenantId` when the credentials named a tenant even though they were refused. */
  | { ok: false; error: ApiError; tenantId?: string };

/** Identifies the calling tenant from `Authorization: SDK-HMAC-SHA256 …` or `X-Auth-Token`. */
export function authenticate(ctx: EmulatorContext, request: FastifyRequest): AuthResult {
  const authorization = header(request, 'authorization');
  if (authorization !== undefined) return byAccessKey(ctx, request, authorization);
  const token = header(request, 'x-auth-token');
  if (token !== undefined) return byToken(ctx, token);
  return refuse(errors.badAuth('no X-Auth-Token and no Authorization header'));
}

function byToken(ctx: EmulatorContext, token: string): AuthResult {
  const fixed = ctx.tenants.byToken(token);
  if (fixed) return usable(fixed);
  const found = ctx.tokens.lookup(token, ctx.clock.now());
  switch (found.kind) {
    case 'unknown':
      return refuse(errors.badAuth('the token is invalid'));
    case 'expired':
      return refuse(errors.badAuth('the token has expired'), found.tenantId);
    case 'stale':
      return refuse(errors.staleToken(), found.tenantId);
    case 'valid': {
      const tenant = ctx.tenants.get(found.tenantId);
      return tenant ? usable(tenant) : refuse(errors.unauthorizedOperation(), found.tenantId);
    }
  }
}

function byAccessKey(
  ctx: EmulatorContext,
  request: FastifyRequest,
  authorization: string,
): AuthResult {
  const parsed = parseAuthorization(authorization);
  if (!parsed) {
    return refuse(
      errors.badAuth(
        'the Authorization header is not "SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…"',
      ),
    );
  }
  const ak = parsed.accessKey;
  const now = ctx.clock.now();
  const tenant = ctx.tenants.byAccessKey(ak);
  if (ctx.lockout.isLocked(ak, now)) {
    return refuse(
      errors.badAuth('the access key is locked after too many failed attempts; try again later'),
      tenant?.id,
    );
  }
  const fail = (error: ApiError): AuthResult => {
    ctx.lockout.failed(ak, now);
    return refuse(error, tenant?.id);
  };
  if (!tenant?.sk) return fail(errors.badAuth('the access key does not exist'));

  const date = header(request, 'x-sdk-date');
  if (date === undefined) return fail(errors.badAuth('the X-Sdk-Date header is missing'));
  const signedAt = parseSdkDate(date);
  if (!signedAt) return fail(errors.badAuth('X-Sdk-Date is not YYYYMMDDTHHMMSSZ'));
  if (Math.abs(signedAt.getTime() - now) > ctx.options.clockSkewMs) {
    return fail(errors.skewedClock(`X-Sdk-Date ${date} is too far from the server time`));
  }

  const names = parsed.signedHeaders.map((n) => n.toLowerCase());
  const canonical = canonicalRequest(
    {
      method: request.method,
      // Only the path and the query as received are signed; the host comes from its header.
      url: `http://emulator${request.raw.url ?? '/'}`,
      headers: Object.fromEntries(names.map((n) => [n, header(request, n) ?? ''])),
      body: rawBody(request),
    },
    names,
  );
  if (signature(tenant.sk, stringToSign(canonical, date)) !== parsed.signature) {
    return fail(
      errors.badAuth(`verify aksk signature fail, canonicalRequest: ${JSON.stringify(canonical)}`),
    );
  }

  const projectId = header(request, 'x-project-id');
  if (projectId === undefined || !names.includes('x-project-id')) {
    return fail(errors.badAuth('the X-Project-Id header is missing or not among SignedHeaders'));
  }
  const securityToken = header(request, 'x-security-token');
  if (tenant.securityToken !== undefined && securityToken !== tenant.securityToken) {
    return fail(errors.badAuth('the X-Security-Token is missing or does not match the access key'));
  }
  ctx.lockout.succeeded(ak);
  if (tenant.projectId !== undefined && projectId !== tenant.projectId) {
    return refuse(errors.projectDenied(`project ${projectId} is not the key's project`), tenant.id);
  }
  return usable(tenant);
}

function usable(tenant: EmulatorTenant): AuthResult {
  return tenant.disabled ? refuse(errors.unauthorizedOperation(), tenant.id) : { ok: true, tenant };
}

function refuse(error: ApiError, tenantId?: string): AuthResult {
  return tenantId === undefined ? { ok: false, error } : { ok: false, error, tenantId };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
