# Merges the nodes' reports into the cluster status document, schema 1 (docs/status.md).
# Written by multihead. Input: the reports, one JSON object per line (a line that is not a schema-1
# report is ignored). Arguments: $cluster (status-cluster.json, slurped), $now (epoch seconds),
# $by (the node merging), $source ("shared": every node's report from the Gluster volume; "local":
# only this node's own; "ssh": the reports Cluster.status() collected over SSH just now). No service is named here: each report says how its services are.
def order: {"down": 0, "degraded": 1, "ok": 2};
$cluster[0] as $c
| ([inputs | (try fromjson catch null) | select(type == "object" and .schema == 1 and (.hostname | type) == "string")]
   | map({key: .hostname, value: .}) | from_entries) as $reports
| ($c.nodes | map(. as $n | $reports[$n.hostname] as $r
    | if $r == null then
        {hostname: $n.hostname, ip: $n.ip, reachable: false, reported_at: null, age_s: null,
         problem: (if $source == "local" then "no report here (the shared volume is not mounted on \($by))"
                   elif $source == "ssh" then "did not answer over SSH" else "no report" end),
         load: null, uptime_s: null, vip_held: false,
         services: ($n.services | map({key: ., value: {state: "unknown", summary: "no report from this node"}}) | from_entries)}
      else
        (($now - ($r.reported_epoch // 0)) | if . < 0 then 0 else floor end) as $age
        | {hostname: $n.hostname, ip: $n.ip, reachable: ($age <= $c.stale_after_s), reported_at: $r.reported_at, age_s: $age,
           problem: (if $age <= $c.stale_after_s then null else "no report for \($age) s" end),
           load: $r.load, uptime_s: $r.uptime_s, collect_ms: $r.collect_ms, vip_held: ($r.vip_held == true),
           services: ($n.services | map(. as $s | {key: $s, value: (
             if $age > $c.stale_after_s then {state: "unknown", summary: ("last reported \($age) s ago: " + ($r.services[$s].summary // ""))}
             else ($r.services[$s] // {state: "down", summary: "not in this node's report"}) end)}) | from_entries)}
      end)) as $nodes
| [$nodes[] | select(.reachable)] as $up
| ($c.nodes | map(.services) | add // [] | reduce .[] as $k ([]; if index([$k]) then . else . + [$k] end)) as $keys
| [$keys[] as $k | [$nodes[] | select(.services | has($k))] as $on
   | [$on[] | select(.reachable) | .services[$k]] as $seen
   | [$seen[] | select(.state == "ok")] as $ok
   | {key: $k, value: {
       state: (if ([$seen[] | select(.state == "ok" or .state == "degraded")] | length) == 0 then "down"
         elif ($ok | length) == ($on | length) then "ok" else "degraded" end),
       nodes: [$on[].hostname],
       nodes_ok: ($ok | length),
       summary: (if ($ok | length) == ($on | length) then $ok[0].summary
         else ((([$seen[] | select(.state == "down")] + [$seen[] | select(.state != "ok")] + $seen) | map("\(.state): \(.summary)"))
           + ["no node reports it"])[0] end)}}]
  | from_entries as $services
| ([$up[] | select(.vip_held) | .hostname]) as $holders
| (
    [$nodes[] | select(.reachable | not) | {node: .hostname, service: "node", level: "degraded", message: .problem}]
  + [$up[] | .hostname as $h | .services | to_entries[] | select(.value.state != "ok")
      | {node: $h, service: .key, level: "degraded", message: "\(.value.state): \(.value.summary)"}]
  + [$services | to_entries[] | select(.value.state == "down")
      | {node: "all", service: .key, level: "down", message: "\(.key) works on no node"}]
  + (if ($up | length) == 0 then [{node: "all", service: "node", level: "down", message: "no node reported in the last \($c.stale_after_s) s"}] else [] end)
  + (if $c.vip.managed | not then []
     elif ($holders | length) == 0 then [{node: "all", service: "vip", level: "down", message: "no node holds the VIP \($c.vip.address)"}]
     elif ($holders | length) > 1 then [{node: ($holders | join(",")), service: "vip", level: "degraded", message: "the VIP \($c.vip.address) is on \($holders | length) nodes: \($holders | join(", "))"}]
     elif $c.vip.owner != null and $holders[0] != $c.vip.owner then [{node: $holders[0], service: "vip", level: "degraded", message: "the VIP \($c.vip.address) is on \($holders[0]), not on its owner \($c.vip.owner)"}]
     else [] end)
  + (if $source == "local" then [{node: $by, service: "status", level: "degraded", message: "the shared volume is not mounted on \($by): only its own report is shown"}] else [] end)
  ) as $reasons
| {schema: 1,
   cluster: $c.cluster,
   generated_at: ($now | todate),
   generated_by: $by,
   source: $source,
   stale_after_s: $c.stale_after_s,
   overall: (if any($reasons[]; .level == "down") then "down" elif ($reasons | length) > 0 then "degraded" else "healthy" end),
   reasons: ($reasons | sort_by(.level as $l | order[$l])),
   vip: {address: $c.vip.address, owner: $c.vip.owner, holder: (if ($holders | length) == 1 then $holders[0] else null end), holders: $holders},
   services: $services,
   nodes: $nodes}
