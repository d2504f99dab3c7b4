import type { FastifyInstance } from 'fastify';
import type { Authenticator } from './auth';
import { markup } from './html';
import { page, type PageContext } from './layout';

/** Only local paths: `next` must not send a signed-in browser to another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' &&
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.startsWith('/\\')
    ? next
    : '/';
}

/**
 * `/login?token=…&next=/queues` (or the form, or basic auth) sets a session cookie and redirects;
 * `POST /logout` clears it.
 */
export function registerAuthRoutes(
  app: FastifyInstance,
  auth: Authenticator,
  options: { basic: boolean; context: (path: string, authenticated: boolean) => PageContext },
): void {
  const signIn = (next: string) => ({ cookie: auth.sessionCookie(), location: safeNext(next) });

  app.get<{ Querystring: { token?: string; next?: string } }>('/login', async (request, reply) => {
    const { token, next } = request.query;
    if (!auth.enabled)
      return reply
        .code(404)
        .type('text/html')
        .send(
          page(
            'Log in',
            options.context('/login', false),
            markup`<h1>Log in</h1><p>This dashboard has no credentials configured, so it is read-only. Set DASHBOARD_TOKEN to enable actions.</p>`,
          ),
        );
    if (
      (token !== undefined && auth.checkToken(token)) ||
      (token === undefined && auth.check(request.headers))
    ) {
      const s = signIn(next ?? '/');
      return reply.header('set-cookie', s.cookie).redirect(s.location, 303);
    }
    if (options.basic && token === undefined)
      void reply.header(
        'www-authenticate',
        'Basic realm="rtc-provisioner dashboard", charset="UTF-8"',
      );
    return reply
      .code(401)
      .type('text/html')
      .send(
        page(
          'Log in',
          options.context('/login', false),
          markup`<h1>Log in</h1>${token !== undefined ? markup`<p class="warn">That token is not the dashboard's token.</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="next" value="${safeNext(next)}"><label>Dashboard token <input type="password" name="token" autocomplete="current-password" autofocus></label> <button type="submit">Log in</button></form>`,
        ),
      );
  });

  app.post<{ Body: { token?: string; next?: string } | undefined }>(
    '/login',
    async (request, reply) => {
      const token = request.body?.token;
      if (!auth.enabled || token === undefined || !auth.checkToken(token)) {
        return reply
          .code(401)
          .send({ code: 'ERR_UNAUTHENTICATED', message: 'wrong or missing token' });
      }
      const s = signIn(request.body?.next ?? '/');
      return reply.header('set-cookie', s.cookie).redirect(s.location, 303);
    },
  );

  app.post('/logout', async (_request, reply) =>
    reply.header('set-cookie', auth.clearCookie()).redirect('/', 303),
  );
}
