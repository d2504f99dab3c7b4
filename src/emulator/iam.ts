import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from './context';
import { isRecord, parseJson, rawBody } from './http';
import type { EmulatorTenant } from './options';

interface PasswordLogin {
  domain: string;
  user: string;
  password: string;
  project: { id?: string; name?: string };
}

/** Keystone-style IAM: `POST /v3/auth/tokens` with the password method and a project scope. */
export function registerIam(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/v3/auth/tokens', (request, reply) => {
    const parsed = parseJson(rawBody(request));
    const login = parsed.ok ? readPasswordLogin(parsed.value) : undefined;
    if (!login) {
      return keystoneError(ctx, reply, 400, 'The request you have made requires a valid body.');
    }
    const tenant = ctx.tenants.byIamUser(login.domain, login.user);
    if (!tenant?.iam || tenant.iam.password !== login.password) {
      return keystoneError(ctx, reply, 401, 'The username or password is wrong.');
    }
    const project = projectOf(tenant);
    const { id, name } = login.project;
    if ((id !== undefined && id !== project.id) || (name !== undefined && name !== project.name)) {
      return keystoneError(
        ctx,
        reply,
        401,
        'The project in the scope is not accessible to the user.',
      );
    }
    const now = ctx.clock.now();
    const issued = ctx.tokens.issue(tenant.id, now, ctx.options.tokenTtlMs);
    const domain = { id: `domain-${tenant.id}`, name: tenant.iam.domain };
    ctx.stats.answered(201);
    return reply
      .code(201)
      .header('X-Subject-Token', issued.token)
      .type('application/json; charset=utf-8')
      .send(
        JSON.stringify({
          token: {
            expires_at: new Date(issued.expiresAt).toISOString(),
            issued_at: new Date(now).toISOString(),
            methods: ['password'],
            project: { id: project.id, name: project.name, domain },
            user: { id: `user-${tenant.id}`, name: tenant.iam.user, domain },
            roles: [{ id: 'role-rtc-admin', name: 'rtc_adm' }],
            catalog: [],
          },
        }),
      );
  });
}

function projectOf(tenant: EmulatorTenant): { id: string; name: string } {
  return {
    id: tenant.iam?.projectId ?? tenant.projectId ?? `project-${tenant.id}`,
    name: tenant.iam?.projectName ?? 'cn-north-4',
  };
}

function readPasswordLogin(body: unknown): PasswordLogin | undefined {
  const auth = field(body, 'auth');
  const identity = field(auth, 'identity');
  const methods = field(identity, 'methods');
  if (!Array.isArray(methods) || !methods.includes('password')) return undefined;
  const user = field(field(identity, 'password'), 'user');
  const name = field(user, 'name');
  const password = field(user, 'password');
  const domain = field(field(user, 'domain'), 'name');
  const project = field(field(auth, 'scope'), 'project');
  const projectId = field(project, 'id');
  const projectName = field(project, 'name');
  if (typeof name !== 'string' || typeof password !== 'string' || typeof domain !== 'string') {
    return undefined;
  }
  if (typeof projectId !== 'string' && typeof projectName !== 'string') return undefined;
  return {
    domain,
    user: name,
    password,
    project: {
      ...(typeof projectId === 'string' ? { id: projectId } : {}),
      ...(typeof projectName === 'string' ? { name: projectName } : {}),
    },
  };
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function keystoneError(
  ctx: EmulatorContext,
  reply: FastifyReply,
  code: number,
  message: string,
): FastifyReply {
  ctx.stats.answered(code);
  const title = code === 401 ? 'Unauthorized' : 'Bad Request';
  return reply
    .code(code)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: { code, message, title } }));
}
