// Cloudflare Workers (workerd) entry point. Workers forbid compiling Wasm from
// bytes at run time, so the .wasm file is imported as a module (the bundler
// or wrangler turns it into a WebAssembly.Module) and instantiated synchronously.
import wasmModule from './wasm/geckoguard_webhooks_bg.wasm';
import * as wasm from './wasm/geckoguard_webhooks.js';
import { createApi, WebhookVerificationError } from './webhook.js';

wasm.initSync({ module: wasmModule });

const { Webhook, sign } = createApi(wasm);
export { Webhook, sign, WebhookVerificationError };
