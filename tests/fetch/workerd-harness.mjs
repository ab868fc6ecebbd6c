// Bundles a Worker with wrangler exactly as `wrangler deploy` does (offline:
// --dry-run) and runs the bundle in workerd through miniflare, on loopback.
// wrangler and miniflare need Node 22 or later.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';

import { ROOT } from './http-cases.mjs';

export const COMPATIBILITY_DATE = '2025-09-01';
const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');

/** `wrangler deploy --dry-run --outdir dist` in `dir`, offline. Returns the bundle's directory. */
export function bundle(dir, extraArgs = []) {
  execFileSync(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', 'dist', ...extraArgs], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_LOG_PATH: join(dir, 'wrangler-logs'),
      NO_UPDATE_NOTIFIER: '1',
      CI: 'true',
    },
  });
  return join(dir, 'dist');
}

/**
 * Runs a wrangler bundle in workerd on a random loopback port. `logs` collects
 * what the Worker and the runtime print, for the tests to check.
 */
export async function serve(dist, bindings) {
  const logs = [];
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modules: true,
    scriptPath: join(dist, 'index.js'),
    modulesRoot: dist,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: COMPATIBILITY_DATE,
    bindings,
    handleStructuredLogs: ({ level, message }) => {
      logs.push(`${level}: ${message}`);
    },
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.on('data', (data) => logs.push(`stdout: ${data}`));
      stderr.on('data', (data) => logs.push(`stderr: ${data}`));
    },
  });
  const url = await mf.ready;
  return { mf, base: url.origin, logs };
}
