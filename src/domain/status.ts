/** Every row ends in exactly one of these (DESIGN.md §2). */
export const STATUSES = [
  'created',
  'exists',
  'rejected',
  'quota_exceeded',
  'auth_failed',
  'failed',
  'invalid_input',
  'duplicate_in_input',
] as const;

export type Status = (typeof STATUSES)[number];

/** A run exits 0 only when every row is one of these. */
export const SUCCESS_STATUSES: ReadonlySet<Status> = new Set(['created', 'exists']);

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}
