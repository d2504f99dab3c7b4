import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from './auth';

export interface WriteGuardOptions {
  auth: Authenticator;
  readOnly: boolean;
  basicRealm: boolean;
}

/**
 * Write actions (bull-board retry/clean/…, resume) need credentials; a browser's cookie only
 * counts for same-origin requests, so another site cannot submit a form on an operator's behalf.
 */
export function writeGuard(o: WriteGuardOptions) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (o.readOnly) {
      await reply
        .code(403)
        .send({ code: 'ERR_READ_ONLY', message: 'this dashboard was started read-only' });
      return;
    }
    if (!o.auth.enabled) {
      await reply.code(401).send({
        code: 'ERR_UNAUTHENTICATED',
        message:
          'write actions are disabled: start the dashboard with DASHBOARD_TOKEN (or DASHBOARD_USER/DASHBOARD_PASSWORD)',
      });
      return;
    }
    if (!o.auth.check(request.headers)) {
      if (o.basicRealm)
        void reply.header(
          'www-authenticate',
          'Basic realm="rtc-provisioner dashboard", charset="UTF-8"',
        );
      await reply.code(401).send({
        code: 'ERR_UNAUTHENTICATED',
        message: 'send Authorization: Bearer <DASHBOARD_TOKEN>, or log in at /login',
      });
      return;
    }
    const origin = request.headers.origin;
    if (origin && origin !== 'null' && new URL(origin).host !== request.headers.host) {
      await reply
        .code(403)
        .send({ code: 'ERR_CROSS_ORIGIN', message: `write requests from ${origin} are refused` });
    }
  };
}
