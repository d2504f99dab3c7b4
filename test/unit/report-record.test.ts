import { describe, expect, it } from 'vitest';
import { REPORT_COLUMNS, type Outcome } from '../../src/domain/outcome';
import { outcomeToJson, outcomeToRecord, reportColumns } from '../../src/report';

const created: Outcome = {
  line: 4,
  tenant: 'acme',
  appName: 'acme-eu-live-01',
  status: 'created',
  appId: 'a'.repeat(32),
  httpStatus: 201,
  requestId: 'req-2',
  requestIds: ['req-1', 'req-2'],
  attempts: 2,
  reconciled: true,
  startedAt: '2025-01-02T03:04:05.000Z',
  finishedAt: '2025-01-02T03:04:06.500Z',
  durationMs: 1500,
  extra: { customer_ref: 'CR-1', status: 'vip' },
};

const invalid: Outcome = {
  line: 9,
  tenant: 'default',
  appName: '',
  status: 'invalid_input',
  errorMsg: 'app_name is empty',
  requestIds: [],
  attempts: 0,
  reconciled: false,
  extra: {},
};

describe('report records', () => {
  it('puts REPORT_COLUMNS first, then the pass-through columns in the given order', () => {
    expect(Object.keys(outcomeToRecord(created, ['customer_ref', 'region']))).toEqual([
      ...REPORT_COLUMNS,
      'customer_ref',
      'region',
    ]);
  });

  it('renders text values: joined request ids, true/false, empty for missing', () => {
    expect(outcomeToRecord(created, ['customer_ref', 'region'])).toMatchObject({
      line: '4',
      http_status: '201',
      request_id: 'req-2',
      request_ids: 'req-1 req-2',
      reconciled: 'true',
      duration_ms: '1500',
      error_code: '',
      customer_ref: 'CR-1',
      region: '',
    });
    expect(outcomeToRecord(invalid, [])).toMatchObject({
      app_id: '',
      http_status: '',
      request_ids: '',
      reconciled: 'false',
      attempts: '0',
      error_msg: 'app_name is empty',
    });
  });

  it('renders typed JSON values: numbers, a boolean, request ids as an array, null for missing', () => {
    expect(outcomeToJson(invalid, [])).toMatchObject({
      line: 9,
      http_status: null,
      request_ids: [],
      reconciled: false,
      attempts: 0,
    });
    expect(outcomeToJson(created, [])).toMatchObject({ request_ids: ['req-1', 'req-2'] });
  });

  it('renames a pass-through column that clashes with a report column', () => {
    expect(reportColumns(['status', 'customer_ref', 'status'])).toEqual([
      ...REPORT_COLUMNS,
      'input_status',
      'customer_ref',
    ]);
    const record = outcomeToRecord(created, ['status']);
    expect(record.status).toBe('created');
    expect(record.input_status).toBe('vip');
  });
});
