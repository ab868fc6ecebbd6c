// Deduplication by idempotency key, in memory and in a real redis-server
// (started here on a free loopback port), through the node-redis and ioredis
// clients, in Express 4 and 5.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { createClient } from 'redis';
import { Redis } from 'ioredis';

import {
  EXPRESSES,
  SECRET,
  createMemoryStore,
  createRedisStore,
  deliver,
  geckoguard,
  listen,
  payload,
  recorder,
  sign,
  startRedis,
  waitFor,
} from './harness.mjs';

let redis;
let nodeRedis;
let ioredis;
let prefixes = 0;

before(async () => {
  redis = await startRedis();
  nodeRedis = createClient({ url: redis.url });
  nodeRedis.on('error', () => {});
  await nodeRedis.connect();
  ioredis = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
  await ioredis.connect();
});

after(async () => {
  await nodeRedis?.close?.();
  ioredis?.disconnect();
  await redis?.stop();
});

/** Each test gets fresh keys, so the tests of one Redis never see each other's marks. */
const STORES = [
  ['memory', () => ({ store: createMemoryStore(), prefix: null })],
  [
    'Redis (node-redis)',
    () => {
      const prefix = `test${++prefixes}:`;
      return { store: createRedisStore(nodeRedis, { prefix }), prefix };
    },
  ],
  [
    'Redis (ioredis)',
    () => {
      const prefix = `test${++prefixes}:`;
      return { store: createRedisStore(ioredis, { prefix }), prefix };
    },
  ],
];

async function routerApp(express, store, handler, options = {}) {
  const rec = recorder();
  const webhooks = geckoguard({ secret: SECRET, dedupe: { store, ...options.dedupe }, log: rec.log, onError: rec.onError, ...options.extra }).onAny(
    handler,
  );
  const app = express();
  app.use('/hook', webhooks);
  const server = await listen(app);
  return { ...server, hook: `${server.url}/hook`, rec };
}

for (const [expressName, express] of EXPRESSES) {
  for (const [storeName, makeStore] of STORES) {
    describe(`${expressName}, dedupe in ${storeName}`, () => {
      test('the second delivery of the same body is answered 200 without running the handler again', async () => {
        const { store, prefix } = makeStore();
        let runs = 0;
        const server = await routerApp(express, store, () => (runs += 1));
        try {
          const body = payload('license.revoked', { licenseId: `lic_${Math.random()}` });
          assert.equal((await deliver(server.hook, body)).status, 200);
          const again = await deliver(server.hook, body);
          assert.equal(again.status, 200);
          assert.equal(again.text, 'OK');
          assert.equal(runs, 1);
          // Another body is processed.
          assert.equal((await deliver(server.hook, payload('license.revoked', { licenseId: 'other' + Math.random() }))).status, 200);
          assert.equal(runs, 2);
          if (prefix) {
            const key = prefix + sign(SECRET, body).slice(0, 32);
            assert.equal(await nodeRedis.get(key), 'done');
            const ttl = await nodeRedis.pTTL(key);
            assert.ok(ttl > 23 * 3600 * 1000 && ttl <= 24 * 3600 * 1000, `PTTL ${ttl}`);
          }
        } finally {
          await server.close();
        }
      });

      test('ten concurrent deliveries of one body: the handler runs once, the others get 200 or 409 (retry later)', async () => {
        const { store } = makeStore();
        let runs = 0;
        const server = await routerApp(express, store, async () => {
          runs += 1;
          await sleep(150);
        });
        try {
          const body = payload('license.created', { licenseId: `lic_${Math.random()}` });
          const statuses = (await Promise.all(Array.from({ length: 10 }, () => deliver(server.hook, body)))).map((r) => r.status);
          assert.equal(runs, 1);
          assert.ok(statuses.includes(200), `${statuses}`);
          assert.ok(statuses.every((s) => s === 200 || s === 409), `${statuses}`);
          // Once the first has finished, a retry is a plain duplicate.
          assert.equal((await deliver(server.hook, body)).status, 200);
          assert.equal(runs, 1);
        } finally {
          await server.close();
        }
      });

      test("a handler that fails releases the key, so GeckoGuard's retry is processed", async () => {
        const { store } = makeStore();
        let runs = 0;
        const server = await routerApp(express, store, () => {
          runs += 1;
          if (runs === 1) throw new Error('first attempt fails');
        });
        try {
          const body = payload('license.frozen', { licenseId: `lic_${Math.random()}` });
          assert.equal((await deliver(server.hook, body)).status, 500);
          assert.equal((await deliver(server.hook, body)).status, 200);
          assert.equal((await deliver(server.hook, body)).status, 200);
          assert.equal(runs, 2);
          assert.equal(server.rec.errors.filter((e) => e.context.code === 'handler_failed').length, 1);
        } finally {
          await server.close();
        }
      });

      test('a processed key is forgotten after ttlMs', async () => {
        const { store } = makeStore();
        let runs = 0;
        const server = await routerApp(express, store, () => (runs += 1), { dedupe: { ttlMs: 1500 } });
        try {
          const body = payload('license.expired', { licenseId: `lic_${Math.random()}` });
          await deliver(server.hook, body);
          await deliver(server.hook, body);
          assert.equal(runs, 1);
          await sleep(2000);
          await deliver(server.hook, body);
          assert.equal(runs, 2);
        } finally {
          await server.close();
        }
      });

      test('middleware mode: a 2xx from the route marks the key, anything else releases it', async () => {
        const { store } = makeStore();
        let runs = 0;
        const app = express();
        app.post('/hook', geckoguard({ secret: SECRET, dedupe: { store }, log: false }), (req, res) => {
          runs += 1;
          res.sendStatus(runs === 1 ? 503 : 200);
        });
        const server = await listen(app);
        try {
          const body = payload('api_key.rotated', { apiKeyId: `key_${Math.random()}` });
          assert.equal((await deliver(`${server.url}/hook`, body)).status, 503);
          // 'finish' fires once the answer is written: give the release a moment.
          await sleep(200);
          assert.equal((await deliver(`${server.url}/hook`, body)).status, 200);
          await sleep(200);
          assert.equal((await deliver(`${server.url}/hook`, body)).status, 200);
          assert.equal(runs, 2);
        } finally {
          await server.close();
        }
      });
    });
  }

  describe(`${expressName}, dedupe shared by two instances through Redis`, () => {
    test('the same delivery sent to both instances at once runs on one of them only', async () => {
      const prefix = `shared${++prefixes}:`;
      let runs = 0;
      const handler = async () => {
        runs += 1;
        await sleep(100);
      };
      const a = await routerApp(express, createRedisStore(nodeRedis, { prefix }), handler);
      const b = await routerApp(express, createRedisStore(ioredis, { prefix }), handler);
      try {
        for (let i = 0; i < 10; i += 1) {
          const body = payload('team.member_added', { teamId: `team_${i}_${Math.random()}` });
          const [ra, rb] = await Promise.all([deliver(a.hook, body), deliver(b.hook, body)]);
          assert.ok([ra.status, rb.status].includes(200));
        }
        await sleep(150);
        assert.equal(runs, 10);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

describe('a failing dedupe store', () => {
  test('a store that throws: 500 (GeckoGuard retries), onError gets dedupe_store_failed, the handler does not run', async () => {
    let runs = 0;
    const store = {
      claim: async () => {
        throw new Error('connection refused');
      },
      complete() {},
      release() {},
    };
    const [, express] = EXPRESSES[1];
    const server = await routerApp(express, store, () => (runs += 1));
    try {
      assert.equal((await deliver(server.hook, payload())).status, 500);
      assert.equal(runs, 0);
      assert.equal(server.rec.errors[0].context.code, 'dedupe_store_failed');
    } finally {
      await server.close();
    }
  });

  test('a store that never answers: 500 at the deadline, not a hang', async () => {
    const store = { claim: () => new Promise(() => {}), complete() {}, release() {} };
    const [, express] = EXPRESSES[0];
    const server = await routerApp(express, store, () => {}, { extra: { deadlineMs: 200 } });
    try {
      assert.equal((await deliver(server.hook, payload())).status, 500);
      assert.match(server.rec.errors[0].error.message, /did not answer within 200 ms/);
    } finally {
      await server.close();
    }
  });

  test('Redis stopped: 500, and the next delivery after it is back is processed', async () => {
    const local = await startRedis();
    const client = createClient({ url: local.url, disableOfflineQueue: true, socket: { reconnectStrategy: 50 } });
    client.on('error', () => {});
    await client.connect();
    let runs = 0;
    const [, express] = EXPRESSES[1];
    const server = await routerApp(express, createRedisStore(client), () => (runs += 1), { extra: { deadlineMs: 1000 } });
    try {
      await local.stop();
      assert.equal((await deliver(server.hook, payload())).status, 500);
      assert.equal(runs, 0);
      assert.equal(server.rec.errors[0].context.code, 'dedupe_store_failed');
    } finally {
      await server.close();
      client.destroy?.();
    }
  });
});

test('createRedisStore refuses something that is not a Redis client', () => {
  assert.throws(() => createRedisStore({}), /node-redis .* or ioredis client/);
  assert.throws(() => createRedisStore(undefined), /node-redis .* or ioredis client/);
});

test('the memory store: claim, complete, release and expiry', async () => {
  let now = 1000;
  const store = createMemoryStore({ now: () => now });
  assert.equal(store.claim('k', 100), 'claimed');
  assert.equal(store.claim('k', 100), 'processing');
  store.release('k');
  assert.equal(store.claim('k', 100), 'claimed');
  store.complete('k', 500);
  assert.equal(store.claim('k', 100), 'done');
  store.release('k'); // never forgets a processed key
  assert.equal(store.claim('k', 100), 'done');
  now += 501;
  assert.equal(store.claim('k', 100), 'claimed');
  now += 101; // the processing mark of a crashed handler expires
  assert.equal(store.claim('k', 100), 'claimed');
  now += 120_000;
  store.claim('other', 10);
  assert.equal(store.size, 1, 'expired keys are swept');
  assert.ok(await waitFor(() => true));
});
