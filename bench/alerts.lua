-- wrk script: POST /api/v2/alerts in Prometheus's shape, BENCH_BATCH alerts per request
-- (env). Every alert has its own label set (a distinct fingerprint): new alerts, the heavy
-- path. endsAt lies an hour ahead, so every alert stays firing during the run.
local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local counter = 0
-- Each thread's number, set by setup() as a global of that thread's own Lua state (wrk runs one
-- per thread). It must not be a local of this chunk: the thread's functions would read that
-- local, 0 in every thread, and the threads would send the same alerts.
local next_thread = 0
local starts_at, ends_at

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  starts_at = os.date("!%Y-%m-%dT%H:%M:%S.000Z")
  ends_at = os.date("!%Y-%m-%dT%H:%M:%S.000Z", os.time() + 3600)
end

local function alert()
  counter = counter + 1
  return string.format(
    '{"annotations":{"description":"Synthetic load from wrk, alert %d of thread %d.","summary":"Instance pod-%d is slow"},'
    .. '"endsAt":"%s","startsAt":"%s","generatorURL":"http://prometheus:9090/graph?g0.expr=up",'
    .. '"labels":{"alertname":"BenchHighLatency","instance":"10.0.%d.%d:9100","job":"svc-%d","pod":"pod-%d-%d","severity":"warning"}}',
    counter, thread_id, counter, ends_at, starts_at, thread_id, counter % 250, counter % 50, thread_id, counter)
end

function request()
  local items = {}
  for i = 1, batch do items[i] = alert() end
  return wrk.format("POST", "/api/v2/alerts", {["Content-Type"] = "application/json", ["User-Agent"] = "Prometheus/2.42.0"},
    "[" .. table.concat(items, ",") .. "]")
end
