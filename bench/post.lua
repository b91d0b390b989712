-- wrk script: POST a JSON body read from a file, and print the run as one JSON line.
--   wrk -t1 -c1 -d10s -s bench/post.lua http://127.0.0.1:8000/v1/briefings -- body.json
-- Latencies are in microseconds; errors.status counts non-2xx/3xx answers.

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
