-- wrk script for tests/reliability/load/run.sh: mixed registry traffic on every connection.
--   ~90% reads: half package documents, half blobs (whole, or a byte range now and then), from
--              the releases run.sh published before the run;
--   ~10% publishes of distinct valid components: the base component with a custom section
--              "wreg-load" holding "t<thread>-<n>" appended, at load:writer<thread>@1.0.<n>, so
--              every publish is new bytes at a new version and verify.py can rebuild the bytes.
-- Environment: WREG_LOAD_TOKEN, WREG_LOAD_COMPONENT (file), WREG_LOAD_TARGETS (file: lines
-- "package <path>" and "blob <path>"), WREG_LOAD_OUT (directory for the per-thread results).

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local token, base, packages, blobs
local published = 0
-- Globals, so that done() can collect them from each thread with thread:get().
counts = {}   -- status -> count
created = {}  -- "name version digest" of each publish answered 201

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

-- One byte for a length under 128 (LEB128 of a small number).
local function u8(n)
  assert(n < 128)
  return string.char(n)
end

function init(args)
  token = os.getenv("WREG_LOAD_TOKEN")
  base = read_file(os.getenv("WREG_LOAD_COMPONENT"))
  packages, blobs = {}, {}
  for line in io.lines(os.getenv("WREG_LOAD_TARGETS")) do
    local kind, path = line:match("^(%S+) (%S+)$")
    if kind == "package" then table.insert(packages, path) end
    if kind == "blob" then table.insert(blobs, path) end
  end
  math.randomseed(id * 7919 + os.time())
end

function request()
  local roll = math.random(100)
  if roll <= 10 then
    published = published + 1
    local tag = "t" .. id .. "-" .. published
    local name = "wreg-load"
    local payload = u8(#name) .. name .. tag
    local body = base .. "\0" .. u8(#payload) .. payload
    local path = "/api/v1/packages/load/writer" .. id .. "/1.0." .. published
    return wrk.format("PUT", path, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/wasm",
    }, body)
  elseif roll <= 55 then
    return wrk.format("GET", packages[math.random(#packages)])
  else
    local path = blobs[math.random(#blobs)]
    if roll > 95 then
      return wrk.format("GET", path, { ["Range"] = "bytes=0-99" })
    end
    return wrk.format("GET", path)
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 201 then
    local name = body:match('"name":"([^"]+)"')
    local version = body:match('"version":"([^"]+)"')
    local digest = body:match('"digest":"([^"]+)"')
    table.insert(created, (name or "?") .. " " .. (version or "?") .. " " .. (digest or "?"))
  end
end

function done(summary, latency, requests)
  local out = os.getenv("WREG_LOAD_OUT")
  local statuses = {}
  local publishes = assert(io.open(out .. "/created.txt", "w"))
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      statuses[status] = (statuses[status] or 0) + count
    end
    for _, line in ipairs(thread:get("created")) do publishes:write(line, "\n") end
  end
  publishes:close()
  local by_status = assert(io.open(out .. "/statuses.txt", "w"))
  for status, count in pairs(statuses) do by_status:write(status, " ", count, "\n") end
  by_status:close()
  local total = summary.requests
  local seconds = summary.duration / 1e6
  local report = assert(io.open(out .. "/summary.txt", "w"))
  report:write(string.format("requests %d\n", total))
  report:write(string.format("seconds %.1f\n", seconds))
  report:write(string.format("requests_per_second %.0f\n", total / seconds))
  report:write(string.format("latency_p50_ms %.2f\n", latency:percentile(50) / 1000))
  report:write(string.format("latency_p90_ms %.2f\n", latency:percentile(90) / 1000))
  report:write(string.format("latency_p99_ms %.2f\n", latency:percentile(99) / 1000))
  report:write(string.format("latency_max_ms %.2f\n", latency.max / 1000))
  report:write(string.format("socket_errors connect %d read %d write %d timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  report:write(string.format("non_2xx_3xx %d\n", summary.errors.status))
  report:close()
end
