export { detectFormat, type InputFormat } from './format';
export { readInput, type ReadOptions } from './read-input';
export { createValidator, DEFAULT_MAX_NAME_LENGTH, type ValidationOptions } from './validate';
export { APP_NAME_ALIASES, TENANT_COLUMN } from './columns';
export { DigestIndex } from './digest-index';
export { JsonArrayScanner, MAX_ELEMENT_BYTES, type ScannedElement } from './json-array-scanner';
export type { RawRecord } from './raw-record';
