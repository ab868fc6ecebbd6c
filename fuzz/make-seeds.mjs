// Writes the seed corpus of each fuzz target, fuzz/seeds/<target>/, from the
// shared test vectors (tests/vectors/verify.json), in each target's input
// format (see the comment at the top of each file in fuzz_targets/).
//
//   node fuzz/make-seeds.mjs
//
// Node 20 or later, no packages. The output is deterministic: running it
// again rewrites the same files. libFuzzer grows its own corpus from these
// in fuzz/corpus/<target>/, which is not committed.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(join(here, "../tests/vectors/verify.json"), "utf8"));

const bodyOf = (c) => (c.body !== undefined ? Buffer.from(c.body, "utf8") : Buffer.from(c.body_base64, "base64"));
const seeds = { signature_header: new Map(), payload: new Map(), verify: new Map() };
// Files are named by content, so a seed that two cases share is written once.
const add = (target, bytes) => seeds[target].set(createHash("sha1").update(bytes).digest("hex").slice(0, 16), bytes);

for (const c of cases) {
  const body = bodyOf(c);
  const header = c.signature === null ? Buffer.alloc(0) : Buffer.from(c.signature, "utf8");

  // signature_header: mode 0 (the header as is).
  add("signature_header", Buffer.concat([Buffer.from([0]), header]));

  // payload: mode 0 (the body), and mode 1 (the timestamp) where one is a string.
  add("payload", Buffer.concat([Buffer.from([0]), body]));
  try {
    const { timestamp } = JSON.parse(body.toString("utf8"));
    if (typeof timestamp === "string") add("payload", Buffer.concat([Buffer.from([1]), Buffer.from(timestamp, "utf8")]));
  } catch {}

  // verify: flags, tolerance, now, secrets, header, body.
  const secrets = c.secrets.slice(0, 4);
  if (secrets.some((s) => s.includes("\0"))) continue;
  const flags = (secrets.length - 1) | (c.tolerance !== undefined ? 0b100 : 0);
  const fixed = Buffer.alloc(13);
  fixed.writeUInt8(flags, 0);
  fixed.writeUInt32LE(c.tolerance ?? 0, 1);
  fixed.writeBigUInt64LE(BigInt(c.now_ms ?? 0), 5);
  const parts = [...secrets.map((s) => Buffer.from(s, "utf8")), header, body];
  const framed = [];
  parts.forEach((p, i) => framed.push(p, ...(i < parts.length - 1 ? [Buffer.from([0])] : [])));
  add("verify", Buffer.concat([fixed, ...framed]));
}

// signature_header: mode 1 (the right signature spliced between a prefix and
// a suffix), one seed per secret.
for (const signer of [1, 3, 5]) add("signature_header", Buffer.concat([Buffer.from([signer]), Buffer.from(" \t\r\n")]));

for (const [target, files] of Object.entries(seeds)) {
  const dir = join(here, "seeds", target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  console.log(`${target}: ${files.size} seeds`);
}
