-- bench/post.lua, but every request's bytes are new: the seed body behind a unique run of
-- whitespace (valid JSON, the same request). So a cache hit cannot be answered from the
-- memo of bodies seen before (BriefingService.recall) and takes the parse-validate-key path.
--   wrk ... -s bench/post_fresh.lua URL -- body.json       (run from the repository root)
dofile("bench/post.lua")

local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tag", string.rep("\n", threads))  -- no two threads make the same bytes
end

function request()
  counter = counter + 1
  local n, pad = counter, {}
  while n > 0 do
    pad[#pad + 1] = (n % 2 == 1) and "\t" or " "
    n = math.floor(n / 2)
  end
  return wrk.format(nil, nil, nil, tag .. table.concat(pad) .. "\r" .. wrk.body)
end
