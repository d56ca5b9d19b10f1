// `node --import` this file to record which npm packages a process loads: every ESM resolution (a loader hook)
// and every CommonJS module in require's cache at exit, appended as file paths/URLs to $PACKAGE_PROBE_OUT.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.PACKAGE_PROBE_OUT;
if (!out) throw new Error('package-probe: set PACKAGE_PROBE_OUT to the file to write');
const hook = `
import fs from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  fs.appendFileSync(${JSON.stringify(out)}, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
const require = createRequire(import.meta.url);
process.on('exit', () => fs.appendFileSync(out, `${Object.keys(require.cache).join('\n')}\n`));
