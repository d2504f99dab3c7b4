import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/input';

describe('detectFormat', () => {
  it.each([
    ['apps.csv', 'csv'],
    ['names.TXT', 'csv'],
    ['dir.v2/apps.json', 'json'],
    ['apps.jsonl', 'jsonl'],
    ['apps.ndjson', 'jsonl'],
  ])('%s → %s', (path, format) => {
    expect(detectFormat(path)).toBe(format);
  });

  it('lets an override win over the extension', () => {
    expect(detectFormat('apps.txt', 'JSONL')).toBe('jsonl');
    expect(detectFormat('-', 'csv')).toBe('csv');
  });

  it('asks for --format when the extension says nothing', () => {
    expect(() => detectFormat('apps.xlsx')).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT' }) as Error,
    );
    expect(() => detectFormat('-')).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT' }) as Error,
    );
  });

  it('rejects an unknown override', () => {
    expect(() => detectFormat('a.csv', 'xml')).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT' }) as Error,
    );
  });
});
