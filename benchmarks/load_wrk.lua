-- The wrk 4.1 script of the load benchmark (benchmarks/load_bench.py --driver wrk): one route.
-- load_wrk.py writes a copy of this file with `data` defined above it:
--   data = {route = "baseline" | "log" | "patients", think_ms = mean think time (0: none),
--           threads = wrk's -t, connections = connections per thread,
--           walkers = {{path =, token =, body =, duration_s =, speed_m_s =}, ...} (one per client),
--           cookies = {"rw_session=...; rw_csrf=...", ...} (one per signed-in therapist)}
-- Every Lua state (wrk's main one and one per thread) runs this file. wrk calls, in order:
-- setup(thread) in the main state, once per thread; init(args) in the thread's state; then per
-- request delay() (the think time, before every request, the first included), request() and
-- response(); done() in the main state at the end. request() and response() do not say which
-- connection they serve, so a thread takes its walkers and cookies in turn, request by request.
-- thread:set and thread:get copy only flat values safely in wrk 4.1 (a nested table crashes
-- it; a table read back unbalances the thread's stack): numbers and strings only.

local threads = {}

function setup(thread)
   thread:set("index", #threads) -- 0-based
   threads[#threads + 1] = thread
end

function init(args)
   math.randomseed(1 + index)
   -- this thread's share of the walkers: every `threads`-th one, from its own index on
   walkers = {}
   for i = index + 1, #data.walkers, data.threads do
      walkers[#walkers + 1] = data.walkers[i]
   end
   delays = 0 -- delay() calls so far: the first `connections` are the connections' first requests
   turn = 0
   minutes = {} -- per walker: how long ago their next session was performed
   for i = 1, #walkers do
      minutes[i] = 90
   end
   ok_count = 0
   failures = {}
   failures_json = "" -- failures as JSON members, for done() (a string crosses threads safely)
end

if data.think_ms > 0 then
   function delay()
      delays = delays + 1
      if delays <= data.connections then -- clients do not start in step
         return math.floor(math.random() * data.think_ms)
      end
      return math.floor((0.5 + math.random()) * data.think_ms)
   end
end

local function next_turn(count)
   turn = turn % count + 1
   return turn
end

local function log_request()
   local i = next_turn(#walkers)
   local walker = walkers[i]
   minutes[i] = math.max(minutes[i] - 0.05, 1)
   local duration = math.floor(walker.duration_s * (1 + 0.05 * math.random()) + 0.5)
   local distance = "null"
   if walker.speed_m_s then
      distance = string.format("%.1f", walker.speed_m_s * duration)
   end
   local fields = {
      performed = os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(os.time() - minutes[i] * 60)),
      duration = tostring(duration),
      distance = distance,
      pain_during = tostring(math.random(0, 3)),
      pain_after = tostring(math.random(0, 3)),
      rpe = tostring(math.random(11, 14)),
   }
   local body = walker.body:gsub("@([%a_]+)@", fields)
   return wrk.format("POST", walker.path, {
      ["Authorization"] = "Bearer " .. walker.token,
      ["Content-Type"] = "application/json",
   }, body)
end

function request()
   if data.route == "log" then
      return log_request()
   elseif data.route == "patients" then
      local cookie = data.cookies[(next_turn(#data.cookies) + index - 1) % #data.cookies + 1]
      return wrk.format("GET", "/patients", { ["Cookie"] = cookie })
   end
   return wrk.format("GET", "/static/favicon.svg")
end

function response(status, headers, body)
   local good
   if data.route == "log" then
      good = status == 201
   elseif data.route == "patients" then
      good = status == 200 and body:find("<table", 1, true) ~= nil
   else
      good = status == 200
   end
   if good then
      ok_count = ok_count + 1
   else
      -- a key safe to print as JSON: letters, digits and a few signs only
      local text = body:sub(1, 160):gsub("%s+", " ")
      local key = ("HTTP " .. status .. ": " .. text):gsub("[^%w %.,:;/_=%-]", "?")
      failures[key] = (failures[key] or 0) + 1
      local listed = {}
      for failure, count in pairs(failures) do
         listed[#listed + 1] = string.format('"%s": %d', failure, count)
      end
      failures_json = table.concat(listed, ", ")
   end
end

function done(summary, latency, requests)
   local ok, listed = 0, {}
   for _, thread in ipairs(threads) do
      ok = ok + thread:get("ok_count")
      local failed = thread:get("failures_json")
      if failed ~= "" then
         listed[#listed + 1] = '{' .. failed .. '}'
      end
   end
   local errors = summary.errors
   -- latency: wrk's histogram of whole microseconds, corrected by wrk (see load_wrk.py)
   io.write(
      "LOADBENCH-WRK ",
      string.format(
         '{"ok": %d, "responses": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
            .. '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
            .. '"status": %d, "timeout": %d}, "failures": [%s]}',
         ok,
         summary.requests,
         summary.duration,
         latency:percentile(50),
         latency:percentile(95),
         latency.max,
         errors.connect,
         errors.read,
         errors.write,
         errors.status,
         errors.timeout,
         table.concat(listed, ", ")
      ),
      "\n"
   )
end
