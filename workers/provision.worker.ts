/**
 * Entry point of a provisioning worker process: `node_modules/.bin/tsx workers/provision.worker.ts
 * --tenants tenants.json` takes the same flags as `rtc-provisioner work`. The processor lives in
 * src/provision; this file only composes.
 */
process.argv.splice(2, 0, 'work');
export {};
await import('../src/cli/main');
