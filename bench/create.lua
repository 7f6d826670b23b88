-- POST create with a unique email per request: thread id + counter (wrk runs one Lua state per thread).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid
  role = os.getenv("BENCH_ROLE")
  prefix = os.getenv("BENCH_RUN") or "run"
end

function request()
  counter = counter + 1
  local body = '{"data":{"type":"site_invitation","attributes":{"email":"' .. prefix .. '-' .. thread_id .. '-' .. counter ..
    '@bench.test"},"relationships":{"role":{"data":{"type":"role","id":"' .. role .. '"}}}}}'
  -- Authorization and Content-Type come from wrk -H; passing nil keeps them.
  return wrk.format("POST", nil, nil, body)
end
