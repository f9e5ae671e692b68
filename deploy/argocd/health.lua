-- Argo CD health for objects Orkestra reports on: Katalogs, Komposers and the custom resources
-- its boxes manage. Keyed only on the kstatus conditions Orkestra writes (Ready, Reconciling,
-- Stalled) and observedGeneration, so one script serves every kind, plus the Degraded condition
-- of a Komposer running the last content it resolved because an import is unreachable.
local hs = { status = "Progressing", message = "Waiting for Orkestra to report status" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local generation = obj.metadata.generation
if generation ~= nil and obj.status.observedGeneration ~= nil and obj.status.observedGeneration ~= generation then
  hs.message = "Waiting for Orkestra to observe generation " .. generation
  return hs
end
local ready, reconciling, degraded
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Stalled" and c.status == "True" then
    return { status = "Degraded", message = c.message }
  end
  if c.type == "Degraded" and c.status == "True" then
    degraded = c
  elseif c.type == "Ready" then
    ready = c
  elseif c.type == "Reconciling" then
    reconciling = c
  end
end
if degraded ~= nil then
  return { status = "Degraded", message = degraded.message }
end
if ready == nil then
  return hs
end
if ready.observedGeneration ~= nil and generation ~= nil and ready.observedGeneration ~= generation then
  hs.message = "Waiting for Orkestra to observe generation " .. generation
  return hs
end
if ready.status == "True" and (reconciling == nil or reconciling.status ~= "True") then
  return { status = "Healthy", message = ready.message }
end
hs.message = ready.message
if reconciling ~= nil and reconciling.status == "True" and reconciling.message ~= "" then
  hs.message = reconciling.message
end
return hs
