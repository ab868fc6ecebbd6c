// Load and reliability: wrk against a real receiver on loopback, half the
// deliveries validly signed and half tampered, counting every decision.
//
//   node tests/load/load.mjs express [--duration 60] [--warmup 15]
//   node22 tests/load/load.mjs workerd [--duration 20] [--max-requests 40000]
//
// `express` runs examples/express/server.mjs exactly as a user would (with
// the package installed from pkg/); `workerd` bundles examples/cloudflare-worker
// with wrangler as `wrangler deploy` does and runs it in workerd (miniflare,
// which needs Node 22 or later).
//
// wrk runs one connection per thread, so each response belongs to the
// request that thread sent just before: a Lua script (written here, with the
// deliveries prepared here) alternates a valid and a tampered delivery and
// checks each answer: valid → 200, tampered → 401. Passes only with zero
// wrong decisions, zero 5xx, zero lost requests or socket errors, and
// bounded memory (VmRSS of the server process, sampled every half second):
// for Express, less than 10 % growth from the end of the warm-up to the end
// of the run; for workerd, which grows under any Worker in local mode, an
// end no more than 10 % above a control Worker that verifies by hand with
// WebCrypto, after the same number of requests (--max-requests per thread).
//
// Prints the figures as one line of JSON and as a table row for BENCHMARKS.md;
// LOAD_DEBUG=1 also prints wrk's output and every memory sample.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const ROOT = new URL('../../', import.meta.url).pathname;
const PATH = '/webhooks/geckoguard';
const SECRET = `whsec_load_${Date.now().toString(36)}_0f3a9c`;
/** Distinct deliveries in the rotation (dedupe sees each body again and again). */
const DELIVERIES = 500;
const MAX_RSS_GROWTH = 0.1;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'max-requests': { type: 'string', default: '0' },
    threads: { type: 'string', default: '4' },
  },
});
const target = positionals[0];
if (!['express', 'workerd'].includes(target)) {
  console.error('usage: node tests/load/load.mjs express|workerd [--duration s] [--warmup s] [--max-requests n]');
  process.exit(2);
}
const duration = Number(values.duration ?? (target === 'express' ? 60 : 20));
const warmup = Number(values.warmup ?? Math.max(2, Math.round(duration / 4)));
const maxRequests = Number(values['max-requests']);
const threads = Number(values.threads);

const sign = (body) => createHmac('sha256', SECRET).update(body).digest('hex');

/** Valid deliveries and their tampered twins (one digit of the data changed, still valid JSON). */
function deliveries() {
  const out = [];
  for (let i = 0; i < DELIVERIES; i += 1) {
    const event = i % 2 ? 'license.revoked' : 'license.authorized';
    const body = JSON.stringify({
      event,
      data: { licenseId: `lic_${String(i).padStart(6, '0')}`, productId: 'prod_load', wasActivated: false },
      timestamp: new Date(Date.UTC(2025, 0, 15, 10, 30, i % 60)).toISOString(),
    });
    const tampered = body.replace(/lic_(\d{6})/, (_, n) => `lic_${String((Number(n) + 1) % 1e6).padStart(6, '0')}`);
    out.push({ body, signature: sign(body), tampered });
  }
  return out;
}

/** The wrk script: deliveries prepared once per thread, each answer checked. */
function luaScript(list) {
  const long = (s) => `[==[${s}]==]`;
  const rows = list.map((d) => `  {${long(d.body)}, ${long(d.signature)}, ${long(d.tampered)}},`).join('\n');
  return `-- Written by tests/load/load.mjs.
local deliveries = {
${rows}
}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  max_requests = tonumber(args[1]) or 0
  prepared = {}
  for _, d in ipairs(deliveries) do
    local headers = { ["Content-Type"] = "application/json", ["User-Agent"] = "GeckoGuard-Webhooks/1.0", ["X-GeckoGuard-Signature"] = d[2] }
    table.insert(prepared, { "valid", wrk.format("POST", "${PATH}", headers, d[1]) })
    table.insert(prepared, { "tampered", wrk.format("POST", "${PATH}", headers, d[3]) })
  end
  next_index = 0
  pending = nil
  valid_sent, tampered_sent, valid_ok, tampered_ok, wrong, server_errors, lost, answered = 0, 0, 0, 0, 0, 0, 0, 0
end
function request()
  -- One connection per thread: a request made while another is pending
  -- means that one got no answer (the connection dropped). wrk makes the
  -- first request of a thread twice as it connects and sends one: that one
  -- is not counted as lost (a shifted answer would show as wrong anyway).
  if pending ~= nil then
    if answered > 0 then lost = lost + 1 end
    if pending == "valid" then valid_sent = valid_sent - 1 else tampered_sent = tampered_sent - 1 end
  end
  next_index = next_index % #prepared + 1
  local p = prepared[next_index]
  pending = p[1]
  if p[1] == "valid" then valid_sent = valid_sent + 1 else tampered_sent = tampered_sent + 1 end
  return p[2]
end
function response(status, headers, body)
  local kind = pending
  pending = nil
  answered = answered + 1
  if status >= 500 then server_errors = server_errors + 1 end
  if kind == "valid" and status == 200 then
    valid_ok = valid_ok + 1
  elseif kind == "tampered" and status == 401 then
    tampered_ok = tampered_ok + 1
  else
    wrong = wrong + 1
  end
  if max_requests > 0 and answered >= max_requests then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local totals = { valid_sent = 0, tampered_sent = 0, valid_ok = 0, tampered_ok = 0, wrong = 0, server_errors = 0, lost = 0, answered = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
  end
  local e = summary.errors
  io.write(string.format('LOAD_RESULT {"requests":%d,"duration_us":%d,"valid_sent":%d,"tampered_sent":%d,"valid_ok":%d,"tampered_ok":%d,"wrong":%d,"server_errors":%d,"lost":%d,"answered":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, totals.valid_sent, totals.tampered_sent, totals.valid_ok, totals.tampered_ok, totals.wrong, totals.server_errors, totals.lost, totals.answered,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
`;
}

function rssKiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Pids of the direct children of `parent` whose command name is `name`. */
function childrenNamed(parent, name) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && comm === name) found.push(Number(entry));
    } catch {
      // A process that ended while we looked.
    }
  }
  return found;
}

/** Starts the Express example; resolves to { url, pid, stop }. */
async function startExpress() {
  const child = spawn(process.execPath, [join(ROOT, 'examples/express/server.mjs')], {
    env: { ...process.env, GECKOGUARD_WEBHOOK_SECRET: SECRET, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        // The example logs a line per verified delivery: keep reading, discard.
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(new URL(match[1]).origin);
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the Express example exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`the Express example did not start: ${stderr}`)), 20_000);
  });
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/**
 * The control for workerd's own memory use: the same route verified by hand
 * with WebCrypto, as the spec's snippet does, without the package. workerd
 * run by miniflare grows its resident memory under load whatever the Worker
 * does (V8 collects lazily there); the package must not add to that.
 */
const CONTROL_WORKER = `export default {
  async fetch(request, env) {
    const body = await request.arrayBuffer();
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(env.GECKOGUARD_WEBHOOK_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, body));
    const hex = Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
    const ok = hex === request.headers.get('x-geckoguard-signature');
    return new Response(ok ? 'OK' : 'Invalid signature', { status: ok ? 200 : 401 });
  },
};
`;

/**
 * Bundles the example Worker (or the control) with wrangler, as `wrangler
 * deploy` does, and runs it in workerd; resolves to { url, pid, stop }.
 */
async function startWorkerd({ control = false } = {}) {
  const { Miniflare } = await import('miniflare');
  const dir = mkdtempSync(join(tmpdir(), 'geckoguard-load-'));
  mkdirSync(join(dir, 'node_modules', '@geckoguard'), { recursive: true });
  symlinkSync(join(ROOT, 'pkg'), join(dir, 'node_modules', '@geckoguard', 'webhooks'), 'dir');
  const example = join(ROOT, 'examples/cloudflare-worker');
  for (const name of ['src', 'wrangler.toml', 'package.json']) cpSync(join(example, name), join(dir, name), { recursive: true });
  if (control) writeFileSync(join(dir, 'src', 'index.js'), CONTROL_WORKER);
  execFileSync(process.execPath, [join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', 'dist'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG_PATH: join(dir, 'wrangler-logs'), NO_UPDATE_NOTIFIER: '1', CI: 'true' },
  });
  const dist = join(dir, 'dist');
  const before = new Set(childrenNamed(process.pid, 'workerd'));
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modules: true,
    scriptPath: join(dist, 'index.js'),
    modulesRoot: dist,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-09-01',
    bindings: { GECKOGUARD_WEBHOOK_SECRET: SECRET },
    // The example logs a line per delivery: read and discard.
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.resume();
    },
  });
  const url = (await mf.ready).origin;
  const pid = childrenNamed(process.pid, 'workerd').find((p) => !before.has(p));
  if (!pid) throw new Error('could not find the workerd process');
  return {
    url,
    pid,
    stop: async () => {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs wrk against a started server; returns the figures and the problems found. */
async function run(server, label) {
  const work = mkdtempSync(join(tmpdir(), 'geckoguard-wrk-'));
  const script = join(work, 'deliveries.lua');
  writeFileSync(script, luaScript(deliveries()));

  // A first valid and tampered delivery by hand: the server is up and decides right.
  const [first] = deliveries();
  const check = async (body, status) => {
    const response = await fetch(server.url + PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-geckoguard-signature': first.signature },
      body,
    });
    if (response.status !== status) throw new Error(`${label}: sanity check: expected ${status}, got ${response.status}`);
  };
  await check(first.body, 200);
  await check(first.tampered, 401);

  const samples = [];
  const started = performance.now();
  const sampler = setInterval(() => {
    const kib = rssKiB(server.pid);
    if (kib !== undefined) samples.push({ t: (performance.now() - started) / 1000, kib });
  }, 500);
  let output;
  try {
    output = await new Promise((resolve, reject) => {
      const wrk = spawn('nice', ['-n', '5', 'wrk', `-t${threads}`, `-c${threads}`, `-d${duration}s`, '--latency', '-s', script, server.url, '--', String(maxRequests)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      wrk.stdout.on('data', (c) => (out += c));
      wrk.stderr.on('data', (c) => (out += c));
      wrk.on('error', reject);
      wrk.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}:\n${out}`))));
    });
  } finally {
    clearInterval(sampler);
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  if (process.env.LOAD_DEBUG) console.log(output, samples.map((x) => `${x.t.toFixed(0)}s:${(x.kib / 1024).toFixed(0)}`).join(' '));
  const line = /LOAD_RESULT (\{.*\})/.exec(output);
  if (!line) throw new Error(`${label}: no result from wrk:\n${output}`);
  const result = JSON.parse(line[1]);
  const seconds = result.duration_us / 1e6;
  const afterWarmup = samples.filter((s) => s.t >= warmup);
  const atWarmup = median(afterWarmup.slice(0, 4).map((s) => s.kib));
  const atEnd = median(samples.slice(-4).map((s) => s.kib));
  const peak = Math.max(...samples.map((s) => s.kib));
  const growth = (atEnd - atWarmup) / atWarmup;
  const figures = {
    target: label,
    seconds: Number(seconds.toFixed(1)),
    requests: result.requests,
    requestsPerSecond: Math.round(result.requests / seconds),
    validSent: result.valid_sent,
    tamperedSent: result.tampered_sent,
    answeredRight: result.valid_ok + result.tampered_ok,
    wrong: result.wrong,
    serverErrors: result.server_errors,
    lost: result.lost,
    socketErrors: result.socket_errors,
    p50ms: Number((result.p50_us / 1000).toFixed(2)),
    p99ms: Number((result.p99_us / 1000).toFixed(2)),
    maxMs: Number((result.max_us / 1000).toFixed(1)),
    rssAfterWarmupMiB: Number((atWarmup / 1024).toFixed(1)),
    rssEndMiB: Number((atEnd / 1024).toFixed(1)),
    rssPeakMiB: Number((peak / 1024).toFixed(1)),
    rssGrowthPercent: Number((growth * 100).toFixed(1)),
  };
  console.log(JSON.stringify(figures));
  console.log(
    `| ${label} | ${figures.seconds} s | ${figures.requests} | ${figures.requestsPerSecond} | ${figures.wrong} | ${figures.serverErrors} | ` +
      `${figures.p50ms} / ${figures.p99ms} ms | ${figures.rssAfterWarmupMiB} → ${figures.rssEndMiB} MiB (${figures.rssGrowthPercent >= 0 ? '+' : ''}${figures.rssGrowthPercent} %) |`,
  );

  const problems = [];
  if (result.valid_ok === 0 || result.tampered_ok === 0) problems.push('no valid or no tampered delivery was answered');
  if (result.wrong !== 0) problems.push(`${result.wrong} wrong decisions`);
  if (result.server_errors !== 0) problems.push(`${result.server_errors} answers 5xx`);
  if (result.lost !== 0 || result.socket_errors !== 0) problems.push(`${result.lost} requests without an answer, ${result.socket_errors} socket errors`);
  if (afterWarmup.length < 4) problems.push(`too few memory samples after the warm-up (${afterWarmup.length})`);
  return { figures, growth, problems };
}

async function main() {
  const problems = [];
  if (target === 'express') {
    const { growth, figures, problems: found } = await run(await startExpress(), 'express');
    problems.push(...found);
    if (!(growth < MAX_RSS_GROWTH)) problems.push(`resident memory grew ${figures.rssGrowthPercent} % after the warm-up (limit ${MAX_RSS_GROWTH * 100} %)`);
  } else {
    // workerd grows under any Worker (see CONTROL_WORKER): the example must
    // end within 10 % of the control's memory after the same requests.
    const control = await run(await startWorkerd({ control: true }), 'workerd, control (WebCrypto by hand)');
    const example = await run(await startWorkerd(), 'workerd');
    problems.push(...control.problems.map((p) => `control: ${p}`), ...example.problems);
    const ratio = example.figures.rssEndMiB / control.figures.rssEndMiB;
    console.log(`workerd: resident memory at the end ${example.figures.rssEndMiB} MiB, control ${control.figures.rssEndMiB} MiB (x${ratio.toFixed(2)})`);
    if (!(ratio < 1 + MAX_RSS_GROWTH)) problems.push(`the example Worker ended with ${((ratio - 1) * 100).toFixed(1)} % more resident memory than the control (limit ${MAX_RSS_GROWTH * 100} %)`);
  }
  if (problems.length > 0) {
    console.error(`load ${target}: FAILED: ${problems.join('; ')}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
