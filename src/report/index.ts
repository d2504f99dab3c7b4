export { extraColumnKey, outcomeToJson, outcomeToRecord, reportColumns } from './record';
export { writeReport, type ReportFormat, type ReportOptions } from './write-report';
export { summarize, SummaryAccumulator, type Summary, type SummaryMeta } from './summary';
export { formatSummary, TOP_TENANTS } from './format-summary';
