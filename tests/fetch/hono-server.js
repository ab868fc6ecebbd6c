// Hono on Node (@hono/node-server) over HTTP on loopback: the Hono example
// app under /example, and the test app (tests/fetch/app.js) behind a Hono
// route for everything else. Prints "listening on <port>".
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import example from './example/app.js';
import testApp from './app.js';

const root = new Hono();
root.route('/example', example);
root.all('*', (c) => testApp.fetch(c.req.raw, c.env));

serve({ fetch: root.fetch, hostname: '127.0.0.1', port: 0 }, ({ port }) => console.log(`listening on ${port}`));
