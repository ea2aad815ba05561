-- wrk script of the intake benchmark (run-intake.sh sets the environment; see its --help).
--
-- INTAKE_MODE=report (default): every request is a POST /api/v1/cases with a point of the points file,
-- a category of the categories file, a channel, a Chinese description, sometimes a reporter, a unique
-- Idempotency-Key (INTAKE_RUN-thread-n) and the API key INTAKE_KEY.
-- INTAKE_MODE=healthz: every request is a GET /healthz.
--
-- done() appends one tab-separated line to INTAKE_RESULTS (the run's figures; run-intake.sh turns the
-- lines of all runs into result records):
--   label  requests  seconds  requests_per_second  p50_ms  p99_ms  non_2xx  socket_errors
-- label is INTAKE_LABEL (e.g. "intake.c64 civicgrid").

local mode = os.getenv("INTAKE_MODE") or "report"
local run = os.getenv("INTAKE_RUN") or "run"
local key = os.getenv("INTAKE_KEY") or ""
local points_file = os.getenv("INTAKE_POINTS") or ""
local categories_file = os.getenv("INTAKE_CATEGORIES") or ""

local threads = {}
local next_thread = 0

-- Runs in the main state once per thread before it starts.
function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
  table.insert(threads, thread)
end

local function read_lines(path)
  local out = {}
  local f = io.open(path, "r")
  if not f then return out end
  for line in f:lines() do
    if line ~= "" then table.insert(out, line) end
  end
  f:close()
  return out
end

local channels = { "grid_worker", "grid_worker", "grid_worker", "hotline", "hotline", "resident_app",
                   "open311", "iot", "drone", "superior" }
local openers = {
  grid_worker = "网格员巡查发现：", hotline = "市民来电反映：", resident_app = "居民通过小程序反映：",
  open311 = "市民通过政务平台反映：", iot = "物联网感知设备告警：", drone = "无人机巡查发现：",
  superior = "上级交办：",
}
local places = { "小区东门", "3号楼2单元", "菜市场北侧", "学校门口", "公交站旁", "社区广场", "村委会西侧",
                 "主干道路口", "老旧小区内", "河道沿岸", "商业街", "幼儿园附近" }
local problems = { "路灯不亮，夜间出行不便", "井盖缺失，存在安全隐患", "垃圾堆放多日未清运", "暖气不热，室温偏低",
                   "水管爆裂，路面积水", "机动车乱停放，堵塞消防通道", "噪音扰民，影响休息", "餐饮油烟直排",
                   "道路破损，坑洼不平", "电动车飞线充电", "工地扬尘严重", "楼道杂物堆放" }
local surnames = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄" }

local points = {}      -- { "lon", "lat" } as text, sent as is
local categories = {}
local tid = 0
local n = 0

-- Runs in each thread's own state.
function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
  if mode ~= "report" then return end
  for _, line in ipairs(read_lines(points_file)) do
    local lon, lat = line:match("^(%S+)%s+(%S+)")
    if lon then table.insert(points, { lon, lat }) end
  end
  categories = read_lines(categories_file)
  if #points == 0 or #categories == 0 then
    io.stderr:write("intake.lua: no points or no categories (INTAKE_POINTS, INTAKE_CATEGORIES)\n")
    os.exit(2)
  end
  math.randomseed(tid * 7919 + os.time())
end

local healthz = wrk.format("GET", "/healthz")

function request()
  if mode ~= "report" then return healthz end
  n = n + 1
  local p = points[math.random(#points)]
  local channel = channels[math.random(#channels)]
  local description = openers[channel] .. places[math.random(#places)] .. problems[math.random(#problems)] ..
                      "（第" .. n .. "次上报）"
  local reporter = ""
  if channel == "hotline" or channel == "resident_app" then
    reporter = ',"reporter":{"name":"' .. surnames[math.random(#surnames)] .. '女士","phone":"138' ..
               string.format("%08d", math.random(0, 99999999)) .. '"}'
  end
  local category = ""
  if math.random(10) > 1 then category = ',"category":"' .. categories[math.random(#categories)] .. '"' end
  local body = '{"channel":"' .. channel .. '"' .. category .. ',"description":"' .. description ..
               '","location":{"lon":' .. p[1] .. ',"lat":' .. p[2] .. ',"crs":"wgs84"}' .. reporter .. '}'
  return wrk.format("POST", "/api/v1/cases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
    ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. n,
  }, body)
end

-- Runs in the main state at the end.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local line = string.format("%s\t%d\t%.3f\t%.1f\t%.3f\t%.3f\t%d\t%d\n", os.getenv("INTAKE_LABEL") or "?",
                             summary.requests, seconds, summary.requests / seconds,
                             latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status,
                             e.connect + e.read + e.write + e.timeout)
  local out = os.getenv("INTAKE_RESULTS")
  if out and out ~= "" then
    local f = assert(io.open(out, "a"))
    f:write(line)
    f:close()
  end
end
