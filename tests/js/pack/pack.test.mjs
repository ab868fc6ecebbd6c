// The package as a user gets it: `npm pack`, install the tarball into a fresh
// project, then ESM import, CommonJS require, a TypeScript check and one
// verification, in Node, and the same import in Bun and Deno (bare specifier,
// so each runtime's export condition picks its entry).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
const DENO = join(ROOT, 'node_modules', '@deno', 'linux-x64-glibc', 'deno');
const BUN = join(ROOT, 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun');
let project;

const run = (file, args, options = {}) =>
  execFileSync(file, args, { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

// One delivery, signed with the package's own sign(); each script prints the event name.
const SCRIPT_BODY = `
const secret = 'whsec_packed_0123456789';
const body = new TextEncoder().encode('{"event":"license.authorized","data":{"licenseId":"l","productId":"p","wasActivated":true,"effectiveExpiresAt":null},"timestamp":"2025-01-15T10:30:00.000Z"}');
const event = new Webhook(secret).verify(body, sign(secret, body));
let refused = '';
try { new Webhook(secret).verify(body, sign('whsec_other', body)); } catch (e) { if (e instanceof WebhookVerificationError) refused = e.code; }
console.log(event.event, event.data.wasActivated, refused);
`;
const EXPECTED = 'license.authorized true invalid_signature';

before(() => {
  project = mkdtempSync(join(tmpdir(), 'geckoguard-pack-'));
  const packed = JSON.parse(run('npm', ['pack', join(ROOT, 'pkg'), '--json', '--pack-destination', project]));
  const tarball = join(project, packed[0].filename);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  run('npm', ['install', tarball, '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock']);
  writeFileSync(join(project, 'esm.mjs'), `import { Webhook, sign, WebhookVerificationError } from '@geckoguard/webhooks';\n${SCRIPT_BODY}`);
  writeFileSync(join(project, 'cjs.cjs'), `const { Webhook, sign, WebhookVerificationError } = require('@geckoguard/webhooks');\n${SCRIPT_BODY}`);
});
after(() => rmSync(project, { recursive: true, force: true }));

test('the tarball holds the files of the whitelist and one .wasm', () => {
  const packed = JSON.parse(run('npm', ['pack', join(ROOT, 'pkg'), '--dry-run', '--json']));
  const files = packed[0].files.map((f) => f.path).sort();
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), ['wasm/geckoguard_webhooks_bg.wasm']);
  for (const required of ['package.json', 'README.md', 'LICENSE', 'index.d.ts', 'index.d.cts', 'node.js', 'node.cjs', 'workerd.js', 'deno.js', 'browser.js']) {
    assert.ok(files.includes(required), `${required} is missing from the tarball`);
  }
  assert.ok(!files.some((f) => f.includes('.gitignore') || f.endsWith('.d.ts.map')), files.join(', '));
});

test('Node: import', () => assert.equal(run(process.execPath, ['esm.mjs']).trim(), EXPECTED));

test('Node: require', () => assert.equal(run(process.execPath, ['cjs.cjs']).trim(), EXPECTED));

test('TypeScript: the declarations resolve for ESM and CommonJS consumers', () => {
  writeFileSync(join(project, 'esm.mts'), `import { Webhook, type WebhookEvent } from '@geckoguard/webhooks';
const e: WebhookEvent = new Webhook('whsec_x').verify(new Uint8Array(), 'sig');
if (e.event === 'license.authorized') { const a: boolean | undefined = e.data.wasActivated; void a; }
// @ts-expect-error a parsed body is refused by the types too
new Webhook('whsec_x').verify({}, 'sig');
`);
  writeFileSync(join(project, 'cjs.cts'), `import geckoguard = require('@geckoguard/webhooks');
const e = new geckoguard.Webhook('whsec_x').verify('{}', undefined);
const key: string = e.idempotencyKey; void key;
`);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [] },
    files: ['esm.mts', 'cjs.cts'],
  }));
  run(join(BIN, 'tsc'), ['-p', 'tsconfig.json']);
});

test('Bun: import and require by package name', () => {
  assert.equal(run(BUN, ['esm.mjs']).trim(), EXPECTED);
  assert.equal(run(BUN, ['cjs.cjs']).trim(), EXPECTED);
});

test('Deno: import by package name (the deno condition)', () => {
  assert.equal(run(DENO, ['run', '--quiet', '--node-modules-dir=manual', 'esm.mjs']).trim(), EXPECTED);
});
