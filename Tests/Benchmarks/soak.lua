-- wrk script of the soak benchmark (Tests/Benchmarks/soak.py starts it; not meant to be run alone).
--
--   wrk -t1 -cN -dS --latency -s soak.lua URL -- TARGET KEYS_FILE HOT_KEY [SESSION_ID,…]
--
-- TARGET is status (GET /api/mcp/status), data (GET /api/mcp/sales?limit=50) or mcp (POST /mcp, a
-- tools/call of get_inventory on one of the handshake sessions). Each request picks its key: 60 % one
-- of the good keys of KEYS_FILE (one per line, each used rarely enough to stay under its limits),
-- 25 % HOT_KEY (one good key used so often that its limits answer 429), 15 % a wrong key (401, then
-- 429 from the failed-authentication limit of the address). Status codes are tallied per thread and
-- printed at the end as one line: SOAK {json}.

local good = {}
local hot
local target
local sessions = {}
counts = {}  -- global: done() reads it from each thread with thread:get
local threads = {}
local body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_inventory","arguments":{"limit":50}}}'

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   target = args[1]
   for line in io.lines(args[2]) do
      if #line > 0 then table.insert(good, line) end
   end
   hot = args[3]
   if args[4] then
      for id in string.gmatch(args[4], "[^,]+") do table.insert(sessions, id) end
   end
   -- Each wrk process has its own random sequence: the time, plus its target's letters.
   local salt = 0
   for i = 1, #target do salt = salt * 31 + string.byte(target, i) end
   math.randomseed(os.time() + salt)
end

local function key()
   local draw = math.random()
   if draw < 0.60 then return good[math.random(#good)] end
   if draw < 0.85 then return hot end
   return "wrong-" .. math.random(1, 1000000000) .. "-0123456789abcdef"
end

function request()
   local headers = { ["Host"] = wrk.headers["Host"], ["Authorization"] = "Bearer " .. key() }
   if target == "status" then
      return wrk.format("GET", "/api/mcp/status", headers)
   elseif target == "data" then
      return wrk.format("GET", "/api/mcp/sales?limit=50", headers)
   end
   headers["Content-Type"] = "application/json"
   headers["Accept"] = "application/json, text/event-stream"
   headers["MCP-Protocol-Version"] = "2025-06-18"
   headers["Mcp-Session-Id"] = sessions[math.random(#sessions)]
   return wrk.format("POST", "/mcp", headers, body)
end

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("counts")) do
         total[status] = (total[status] or 0) + count
      end
   end
   local statuses = {}
   for status, count in pairs(total) do table.insert(statuses, string.format('"%d":%d', status, count)) end
   local e = summary.errors
   io.write(string.format(
      'SOAK {"target":"%s","requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},"statuses":{%s}}\n',
      target, summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status,
      table.concat(statuses, ",")))
end
