/** Removes `authentication.app_key` (a secret) from an App object; returns other values unchanged. */
export function redactApp<T>(app: T): T {
  if (typeof app !== 'object' || app === null || Array.isArray(app)) return app;
  const auth = (app as Record<string, unknown>).authentication;
  if (typeof auth !== 'object' || auth === null || !('app_key' in auth)) return app;
  const rest: Record<string, unknown> = { ...(auth as Record<string, unknown>) };
  delete rest.app_key;
  return { ...app, authentication: rest };
}

/** Redacts a show-app body (an App) or a list body (`{count, apps: [App]}`). */
export function redactAppsBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const apps = (body as { apps?: unknown }).apps;
  if (Array.isArray(apps)) return { ...body, apps: apps.map((a: unknown) => redactApp(a)) };
  return redactApp(body);
}
