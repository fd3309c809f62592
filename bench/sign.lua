-- wrk script for bench/run: every request signs one pending acknowledgement as its person, or (the floor)
-- posts the same form with the same session to the bench-only no-op view.
--
-- Usage: wrk -t THREADS -c CONNECTIONS -d SECONDS -s bench/sign.lua http://127.0.0.1:PORT -- DATA THREADS STATUS
-- DATA has one line per request: path, Cookie header and form body, separated by tabs (written by
-- `python -m bench --step signing-prepare`, bench/signing.py). Lines are dealt out to the threads;
-- a thread that has used up its lines stops, so the run is bounded by count as well as by time.
-- A response with STATUS is accepted (302: a signature redirects to its receipt; 204: the no-op);
-- anything else is a refusal or an error. done() prints one JSON line with the figures bench/signing.py reads.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, thread_count = args[1], tonumber(args[2])
  accepted_status = tonumber(args[3])
  entries = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % thread_count == id then
      table.insert(entries, line)
    end
    line_number = line_number + 1
  end
  next_entry = 1
  accepted = 0
  refused = 0
end

function request()
  local line = entries[next_entry]
  if line == nil then
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  next_entry = next_entry + 1
  local path, cookie, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function response(status, headers, body)
  if status == accepted_status then
    accepted = accepted + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local accepted_total, refused_total = 0, 0
  for _, thread in ipairs(threads) do
    accepted_total = accepted_total + thread:get("accepted")
    refused_total = refused_total + thread:get("refused")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"responses": %d, "seconds": %.3f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, '
      .. '"accepted": %d, "refused": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, accepted_total, refused_total,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
