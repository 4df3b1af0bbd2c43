-- wrk script: every request is sent as a batch of `depth` pipelined GETs of
-- the path given on the command line (wrk ... -s pipeline.lua URL -- 16),
-- as TechEmpower's plaintext test does.
init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format(nil)
  end
  req = table.concat(r)
end

request = function()
  return req
end
