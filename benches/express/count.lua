-- wrk script for the Express benchmark: POSTs one signed GeckoGuard delivery
-- and counts every answer that is not the expected status. The body and the
-- signature come from the environment (BENCH_BODY, BENCH_SIGNATURE), so
-- both routes get exactly the same bytes.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GeckoGuard-Signature"] = os.getenv("BENCH_SIGNATURE")
wrk.headers["User-Agent"] = "GeckoGuard-Webhooks/1.0"

local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
local threads = {}

function setup(thread)
  thread:set("wrong", 0)
  table.insert(threads, thread)
end

function init(args)
  wrong = 0
end

function response(status, headers, body)
  if status ~= expected then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("wrong")
  end
  io.write(string.format("WRONG_ANSWERS %d\n", total))
end
