-- wrk script: POST generic events to /api/v1/events, BATCH per request (env BENCH_BATCH).
-- Every event has its own title, so each is a new alert: the heaviest path (new alert rows).
-- Services rotate over 50 names, so alerts correlate into up to 50 incidents.
local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local counter = 0
-- Each thread's number, set by setup() as a global of that thread's own Lua state (wrk runs one
-- per thread). It must not be a local of this chunk: the thread's functions would read that
-- local, 0 in every thread, and the threads would send the same alerts.
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  counter = 0
end

local function event()
  counter = counter + 1
  return string.format(
    '{"title":"bench alert %d-%d","service":"svc-%d","severity":"error","labels":{"env":"bench","pod":"pod-%d"},"description":"synthetic load from wrk"}',
    thread_id, counter, counter % 50, counter % 1000)
end

function request()
  local body
  if batch == 1 then
    body = event()
  else
    local items = {}
    for i = 1, batch do items[i] = event() end
    body = "[" .. table.concat(items, ",") .. "]"
  end
  return wrk.format("POST", "/api/v1/events", {["Content-Type"] = "application/json"}, body)
end
