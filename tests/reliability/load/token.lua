-- wrk script for token_timing.sh: one authorized request, over and over, with the token in
-- WREG_TIMING_TOKEN, at WREG_TIMING_PATH (a yank of a version that does not exist).
wrk.method = "POST"
wrk.path = os.getenv("WREG_TIMING_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("WREG_TIMING_TOKEN")

local statuses = {}
function response(status)
  statuses[status] = true
end

function done(summary, latency, requests)
  -- requests, p50 us, p99 us, mean us
  io.write(string.format("%d %.1f %.1f %.1f\n", summary.requests, latency:percentile(50),
    latency:percentile(99), latency.mean))
end
