-- wrk script for bench/run: every request signs one pending acknowledgement as its person, or (the floor)
-- posts the same form with the same session to the bench-only no-op view.
--
-- Usage: wrk -t THREADS -c CONNECTIONS -d SECONDS -s bench/sign.lua http://127.0.0.1:PORT -- DATA THREADS STATUS
-- DATA has one line per request: path, Cookie header and form body, separated by tabs (written by
-- `python -m bench --step signing-prepare`, bench/signing.py). Lines are dealt out to the threads;
-- a thread that has used up its lines stops, so the run is bounded by count as well as by time.
-- A response with STATUS is accepted (302: a signature redirects to its receipt; 204: the no-op);
-- anything else is a refusal or an error. done() prints one JSON line with the figures bench/signing.py reads.
-- Its "seconds" are those from the first request sent to the last response received, not wrk's -d: a load
-- that uses up its lines before the time ends must not be divided by time in which nothing was sent.

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *time);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

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
  first_sent = first_sent or now()
  local path, cookie, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function response(status, headers, body)
  last_received = now()
  if status == accepted_status then
    accepted = accepted + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local accepted_total, refused_total = 0, 0
  local started, ended = math.huge, 0
  for _, thread in ipairs(threads) do
    accepted_total = accepted_total + thread:get("accepted")
    refused_total = refused_total + thread:get("refused")
    started = math.min(started, thread:get("first_sent") or math.huge)
    ended = math.max(ended, thread:get("last_received") or 0)
  end
  local seconds = ended > started and ended - started or summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    '{"responses": %d, "seconds": %.3f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, '
      .. '"accepted": %d, "refused": %d, "socket_errors": %d}\n',
    summary.requests, seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, accepted_total, refused_total,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
