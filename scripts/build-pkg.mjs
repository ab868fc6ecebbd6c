#!/usr/bin/env node
// Assembles the publishable npm package in pkg/ from:
//   target/wasm-pack/   the wasm-bindgen output (`wasm-pack build wasm --target web`)
//   js/                 the entry points and the API layer (ES modules)
//   pkg-templates/      package.json, README.md, LICENSE, the type declarations
//
//   node scripts/build-pkg.mjs [--wasm-opt=-O3]
//
// The package ships one .wasm file that every entry point shares. Node's
// `require` gets CommonJS copies of the ES modules it needs, made here by a
// small, checked rewrite of their import and export statements.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_PACK_OUT = join(ROOT, 'target', 'wasm-pack');
const PKG = join(ROOT, 'pkg');
const NAME = 'geckoguard_webhooks';
const optFlag = process.argv.find((arg) => arg.startsWith('--wasm-opt='))?.slice('--wasm-opt='.length) ?? '-O3';

/** ES modules that are ESM-only: top-level await, or a .wasm import. */
const ESM_ONLY = new Set(['browser.js', 'workerd.js', 'deno.js']);

function fail(message) {
  console.error(`build-pkg: ${message}`);
  process.exit(1);
}

/**
 * Rewrites an ES module into CommonJS. It handles only the forms this package
 * uses (named and namespace imports, exported declarations, export lists,
 * `export default`, `import.meta.url`, `(await import('node:…'))`) and fails on anything else, so a new
 * form cannot slip through untranslated.
 */
export function toCommonJs(source, file) {
  const exported = [];
  let out = source
    .replace(/^import \* as (\w+) from '([^']+)';$/gm, (_, name, from) => `const ${name} = require('${cjsPath(from)}');`)
    .replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (_, names, from) => {
      const bindings = names.split(',').map((n) => n.trim()).filter(Boolean).map((n) => n.replace(/\s+as\s+/, ': '));
      return `const { ${bindings.join(', ')} } = require('${cjsPath(from)}');`;
    })
    .replace(/^export (async function|function|class|const|let) (\w+)/gm, (_, kind, name) => {
      exported.push([name, name]);
      return `${kind} ${name}`;
    })
    .replace(/^export \{([^}]+)\};?$/gm, (_, names) => {
      for (const n of names.split(',').map((x) => x.trim()).filter(Boolean)) {
        const [local, as = local] = n.split(/\s+as\s+/);
        exported.push([as, local]);
      }
      return '';
    })
    .replace(/^export default (\w+);$/gm, (_, name) => {
      exported.push(['default', name]);
      return '';
    })
    .replaceAll('import.meta.url', "require('node:url').pathToFileURL(__filename).href")
    // A fallback import of a built-in module, awaited at top level in ESM.
    .replace(/\(await import\('(node:[\w/]+)'\)\)/g, (_, from) => `require('${from}')`);
  const leftover = out.match(/^\s*(import|export)\b.*$/m) ?? out.match(/\bimport\.meta\b|\bimport\(/);
  if (leftover) fail(`${file}: cannot rewrite to CommonJS: ${leftover[0]}`);
  out = `'use strict';\n${out}\nmodule.exports = { ${exported.map(([as, local]) => (as === local ? as : `${as}: ${local}`)).join(', ')} };\n`;
  return out;
}

function cjsPath(from) {
  return from.startsWith('.') ? from.replace(/\.js$/, '.cjs') : from;
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

function main() {
  const glue = join(WASM_PACK_OUT, `${NAME}.js`);
  const wasm = join(WASM_PACK_OUT, `${NAME}_bg.wasm`);
  if (!existsSync(glue) || !existsSync(wasm)) fail('run `make pkg` (wasm-pack build) first');

  rmSync(PKG, { recursive: true, force: true });
  mkdirSync(join(PKG, 'wasm'), { recursive: true });

  // The one .wasm file, optimized by binaryen's wasm-opt (npm package `binaryen`).
  const wasmOpt = existsSync(join(ROOT, 'node_modules', '.bin', 'wasm-opt')) ? join(ROOT, 'node_modules', '.bin', 'wasm-opt') : 'wasm-opt';
  execFileSync(wasmOpt, [optFlag, '--strip-debug', '--strip-producers', wasm, '-o', join(PKG, 'wasm', `${NAME}_bg.wasm`)], {
    stdio: 'inherit',
  });

  const glueSource = readFileSync(glue, 'utf8');
  writeFileSync(join(PKG, 'wasm', `${NAME}.js`), glueSource);
  writeFileSync(join(PKG, 'wasm', `${NAME}.cjs`), toCommonJs(glueSource, `${NAME}.js`));

  for (const file of readdirSync(join(ROOT, 'js'))) {
    const from = join(ROOT, 'js', file);
    if (file.endsWith('.d.ts')) {
      copy(from, join(PKG, file));
      copy(from, join(PKG, file.replace(/\.d\.ts$/, '.d.cts')));
    } else if (file.endsWith('.js')) {
      const source = readFileSync(from, 'utf8');
      writeFileSync(join(PKG, file), source);
      if (!ESM_ONLY.has(file)) writeFileSync(join(PKG, file.replace(/\.js$/, '.cjs')), toCommonJs(source, file));
    }
  }

  const version = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)?.[1];
  if (!version) fail('no version in Cargo.toml');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'pkg-templates', 'package.json'), 'utf8'));
  manifest.version = version;
  writeFileSync(join(PKG, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of readdirSync(join(ROOT, 'pkg-templates'))) {
    if (file === 'package.json') continue;
    if (file.endsWith('.d.ts')) {
      copy(join(ROOT, 'pkg-templates', file), join(PKG, file));
      copy(join(ROOT, 'pkg-templates', file), join(PKG, file.replace(/\.d\.ts$/, '.d.cts')));
    } else {
      copy(join(ROOT, 'pkg-templates', file), join(PKG, file));
    }
  }
  console.log(`build-pkg: pkg/ assembled (version ${version}, wasm-opt ${optFlag})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
