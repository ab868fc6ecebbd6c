// The Express app of the benchmark: one process, one app, three routes that
// receive the same signed delivery.
//
//   POST /spec     the handler of GeckoGuard's documentation, copied as is:
//                  express.raw + createHmac + timingSafeEqual + JSON.parse
//                  (its console.log is left out, on every route: logging would
//                  measure the terminal, not the handlers)
//   POST /adapter  geckoguard() in middleware mode, then res.status(200).send('OK')
//   POST /router   geckoguard().onAny(handler) in router mode: the adapter answers
//
// BENCH_EXPRESS=4 runs it on Express 4 (default 5). Prints "ready <port>".
import crypto from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// BENCH_PKG: the copy of pkg/ that bench.mjs made (default: pkg/ itself).
const pkg = process.env.BENCH_PKG ? pathToFileURL(join(process.env.BENCH_PKG, 'express.js')).href : '../../pkg/express.js';
const { geckoguard } = await import(pkg);
const { default: express } = await import(process.env.BENCH_EXPRESS === '4' ? 'express4' : 'express5');
const secret = process.env.BENCH_SECRET;

// ---- the spec's snippet ------------------------------------------------------
function verifyWebhook(body, signature, secret) {
  const expected = crypto
    .createHmac('sha256', secret)
    .update(body)
    .digest('hex');

  return crypto.timingSafeEqual(
    Buffer.from(signature),
    Buffer.from(expected)
  );
}

const app = express();

app.post('/spec', express.raw({ type: 'application/json' }), (req, res) => {
  const signature = req.headers['x-geckoguard-signature'];
  const body = req.body.toString();

  if (!verifyWebhook(body, signature, secret)) {
    return res.status(401).send('Invalid signature');
  }

  const event = JSON.parse(body);
  // console.log('Received:', event.event, event.data);
  res.status(200).send('OK');
});
// ------------------------------------------------------------------------------

app.post('/adapter', geckoguard({ secret, log: false }), (req, res) => {
  res.status(200).send('OK');
});

app.use('/router', geckoguard({ secret, log: false }).onAny(() => {}));

// For the driver: the server's CPU time, read around each run.
app.get('/cpu', (req, res) => res.json(process.cpuUsage()));

const server = app.listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
