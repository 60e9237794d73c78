# Slurm: slurmctld's saved state (on the Gluster volume) as state.tar.gz, and the config files the
# Slurm phase wrote on this node (slurmdbd.conf holds the slurmdbd password: the backup is
# root-only). The munge key is not saved (backup.include_munge_key is not implemented yet).
# Settings: STATE_DIR, CONFIGS.
[[ -d $STATE_DIR ]] || { echo "slurm: no state directory $STATE_DIR" >&2; return 1; }
tar -C "$STATE_DIR" -czf state.tar.gz .
meta state_files "$(tar -tzf state.tar.gz | grep -vc '/$')"
mkdir -m 0700 config
local -a configs
read -ra configs <<<"$CONFIGS"
local f
for f in "${configs[@]}"; do
  [[ -e $f ]] && cp -p "$f" config/
done
return 0
