-- wrk script for bench/serving.py: POST pre-signed Stripe webhook events, each event once.
-- wrk -s bench/serving_webhook.lua URL -- EVENTS_FILE THREADS
-- EVENTS_FILE holds one event a line: the Stripe-Signature header, a tab, the JSON body. Thread k of n
-- sends events k+1, k+1+n, k+1+2n, ... so no two threads send the same one; past the end it wraps around
-- (repeats, which the webhook answers as duplicates: serving.py warns when that happens).
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
end

function init(args)
  events = {}
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    events[#events + 1] = {line:sub(1, tab - 1), line:sub(tab + 1)}
  end
  step = tonumber(args[2])
  n = id + 1
end

function request()
  local event = events[(n - 1) % #events + 1]
  n = n + step
  return wrk.format("POST", "/payments/stripe/webhook",
                    {["Content-Type"] = "application/json", ["Stripe-Signature"] = event[1]}, event[2])
end
