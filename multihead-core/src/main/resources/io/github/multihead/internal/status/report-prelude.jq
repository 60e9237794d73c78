# mh_sections: the raw output of a fragment ("@@NAME" lines, each followed by its value) as
# {"NAME": "VALUE"}; "" holds what came before the first section
def mh_sections:
  ("\n" + .) | split("\n@@")
  | {"": .[0][1:]} + ([.[1:][] | (index("\n") // length) as $i | {(.[:$i]): .[$i + 1:]}] | add // {});
# mh_last_line: the last line of a text (what `tail -n 1` prints), "" for none
def mh_last_line: split("\n") | last // "";
# mh_json: the shape of a fragment that prints its JSON object itself
def mh_json: .[""] | fromjson;
# mh_shaped(shape): the raw output of a fragment as the object of its service; "down" when the fragment did
# not finish (no "@@done": failed or cut off) or its shape gave no object with a state
def mh_shaped(shape):
  mh_sections as $s
  | (if $s | has("done") then ($s | try shape catch null) else null end)
  | if type == "object" and (.state | type) == "string" then .
    else {state: "down", summary: "status probe gave no valid output (failed or timed out after 5 s)"} end;
