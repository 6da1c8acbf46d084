-- wrk script: each request books the "quick" service at a distinct free slot. Bookings are
-- spread over 300 days the way a real calendar fills (a few dozen a day rather than
-- thousands on one day); each thread walks its own stretch of 100,000 requests (20 s at
-- 5,000 a second, so two threads never ask for the same slot), 20 bookings per start (one
-- per practitioner).
local counter = 0
-- `thread_offset` is a global: setup() sets it in each thread's own Lua state.
thread_offset = 0
local threads = {}

function setup(thread)
  thread:set("thread_offset", #threads * 100000)
  table.insert(threads, thread)
end

-- args: the first day's midnight (Unix seconds), and optionally where this run's requests
-- start counting, so that two runs side by side (one per server) ask for different slots.
function init(args)
  base = tonumber(args[1])
  first = tonumber(args[2] or "0")
end

request = function()
  local n = first + thread_offset + counter
  counter = counter + 1
  local day = n % 300
  local k = math.floor(n / 300)
  local t = base + day * 86400 + math.floor(k / 20) * 300
  local start = os.date("!%Y-%m-%dT%H:%M:%SZ", t)
  local body = string.format(
    '{"service":"quick","start":"%s","client":{"name":"Load %d","email":"load%d@bench.example"}}',
    start, n, n)
  return wrk.format("POST", "/api/v1/bookings", {["Content-Type"] = "application/json"}, body)
end

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, non-2xx/3xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
