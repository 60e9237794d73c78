# Keepalived: the files the Keepalived phase wrote on this node. Settings: CONFIGS.
mkdir -m 0700 config
local -a configs
read -ra configs <<<"$CONFIGS"
cp -p "${configs[@]}" config/
