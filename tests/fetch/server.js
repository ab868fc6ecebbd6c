// Serves tests/fetch/app.js over HTTP on loopback with the runtime's own
// server (Deno.serve or Bun.serve) and prints "listening on <port>". The
// secret comes from the GECKOGUARD_WEBHOOK_SECRET environment variable,
// which the adapter reads itself when no env is passed.
import app from './app.js';

const handle = (request) => app.fetch(request);

if (globalThis.Deno) {
  Deno.serve(
    { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`listening on ${port}`) },
    handle,
  );
} else if (globalThis.Bun) {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handle });
  console.log(`listening on ${server.port}`);
} else {
  throw new Error('run this with deno or bun');
}
