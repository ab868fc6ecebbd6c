// Deno entry point: the .wasm file is imported as a compiled module (a
// source-phase import), so no file-read permission is needed, and
// instantiated synchronously.
import source wasmModule from './wasm/geckoguard_webhooks_bg.wasm';
import * as wasm from './wasm/geckoguard_webhooks.js';
import { createApi, WebhookVerificationError } from './webhook.js';

wasm.initSync({ module: wasmModule });

const { Webhook, sign } = createApi(wasm);
export { Webhook, sign, WebhookVerificationError };
