// The shared vectors in Deno and in Bun, through the built package. The
// runtime's own file (deno.mjs, bun.mjs) imports the entry its export
// condition selects and calls run() with it.
import { runSignVectors, runVerifyVectors } from '../vector-cases.mjs';

/** Runs every vector file through each build; prints "N passed, M failed". Returns the failures. */
export function run(runtime, builds, readJson) {
  let passed = 0;
  let failed = 0;
  for (const [kind, api] of builds) {
    for (const name of ['verify.json', 'large.json', 'sign.json']) {
      const vectors = readJson(name);
      const result = name === 'sign.json' ? runSignVectors(api, vectors) : runVerifyVectors(api, vectors);
      const missing = vectors.cases.length - result.passed;
      passed += result.passed;
      failed += missing;
      for (const failure of result.failures) console.error(`${runtime} ${kind} ${name}: ${failure}`);
      if (missing > 0 && result.failures.length === 0) console.error(`${runtime} ${kind} ${name}: ${missing} cases did not pass`);
    }
    // A trap would poison the module: after the vectors, a plain delivery must verify.
    const body = '{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}';
    const event = new api.Webhook('whsec_after').verify(new TextEncoder().encode(body), api.sign('whsec_after', body));
    if (event.event === 'test.ping') passed += 1;
    else failed += 1;
  }
  console.log(`${runtime}: shared vectors`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? Math.max(failed, 1) : 0;
}
