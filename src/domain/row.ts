/** One input line that passed validation. */
export interface Row {
  /** 1-based line (CSV: physical line of the record's start; JSON: element index + 1). */
  line: number;
  tenant: string;
  appName: string;
  /** Columns other than tenant and app name, carried to the report untouched. */
  extra: Record<string, string>;
}

/** One input line that failed validation or repeats an earlier one. */
export interface RowProblem {
  line: number;
  tenant: string;
  /** The raw name as read (may be empty or too long). */
  appName: string;
  extra: Record<string, string>;
  status: 'invalid_input' | 'duplicate_in_input';
  reason: string;
  /** For `duplicate_in_input`: the line of the first occurrence. */
  firstLine?: number;
}

export type InputItem = { kind: 'row'; row: Row } | { kind: 'problem'; problem: RowProblem };

/** The tenant id used when the input has no `tenant` column. */
export const DEFAULT_TENANT = 'default';
