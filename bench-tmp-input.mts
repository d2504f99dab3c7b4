import { readInput } from './src/input/index.ts';
const [path, format] = process.argv.slice(2) as [string, 'csv' | 'json'];
const t = Date.now(); let n = 0, p = 0, maxRss = 0;
for await (const i of readInput(path, { format })) { if (i.kind === 'row') n++; else p++; if ((n & 0xffff) === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss); }
console.log(format, n, p, Date.now() - t, 'ms', Math.round(maxRss / 1e6), 'MB');
