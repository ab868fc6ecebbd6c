// Browser and default entry point: fetches and compiles the package's .wasm
// file once, at import (top-level await), so verify stays synchronous.
// Bundlers that understand `new URL(…, import.meta.url)` copy the file.
import * as wasm from './wasm/geckoguard_webhooks.js';
import { createApi, WebhookVerificationError } from './webhook.js';

await wasm.default({ module_or_path: new URL('./wasm/geckoguard_webhooks_bg.wasm', import.meta.url) });

const { Webhook, sign } = createApi(wasm);
export { Webhook, sign, WebhookVerificationError };
