import { REPORT_COLUMNS, type Outcome } from '../domain/outcome';

const RESERVED: ReadonlySet<string> = new Set(REPORT_COLUMNS);

/** Report key of a pass-through column; one that clashes with a report column gets `input_`. */
export function extraColumnKey(column: string): string {
  let key = column;
  while (RESERVED.has(key)) key = `input_${key}`;
  return key;
}

/** The report's columns: REPORT_COLUMNS, then each distinct pass-through column. */
export function reportColumns(extraColumns: readonly string[]): string[] {
  return [...REPORT_COLUMNS, ...new Set(extraColumns.map(extraColumnKey))];
}

type JsonValue = string | number | boolean | null | string[];

/** One report line with typed values (JSON Lines): numbers, a boolean, request ids as an array. */
export function outcomeToJson(
  o: Outcome,
  extraColumns: readonly string[],
): Record<string, JsonValue> {
  const record: Record<string, JsonValue> = {
    line: o.line,
    tenant: o.tenant,
    app_name: o.appName,
    status: o.status,
    app_id: o.appId ?? null,
    http_status: o.httpStatus ?? null,
    error_code: o.errorCode ?? null,
    error_msg: o.errorMsg ?? null,
    request_id: o.requestId ?? null,
    request_ids: [...o.requestIds],
    attempts: o.attempts,
    reconciled: o.reconciled,
    started_at: o.startedAt ?? null,
    finished_at: o.finishedAt ?? null,
    duration_ms: o.durationMs ?? null,
  };
  for (const column of extraColumns) record[extraColumnKey(column)] = o.extra[column] ?? null;
  return record;
}

/** One report line as text (CSV): request ids joined by spaces, empty string for missing. */
export function outcomeToRecord(o: Outcome, extraColumns: string[]): Record<string, string> {
  const json = outcomeToJson(o, extraColumns);
  const record: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    record[key] = value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  }
  return record;
}
