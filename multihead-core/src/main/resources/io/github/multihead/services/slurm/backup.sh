# Slurm: slurmctld's saved state (on the Gluster volume) as state.tar.gz, and the config files the
# Slurm phase wrote on this node (slurmdbd.conf holds the slurmdbd password: the backup is
# root-only). With backup.include_munge_key (MUNGE_KEY set) the munge key is saved encrypted only,
# as munge.key.enc (the frame's encrypt_file: the plain key is never written to the backup).
# Settings: STATE_DIR, CONFIGS, MUNGE_KEY.
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
if [[ -n $MUNGE_KEY ]]; then
  [[ -s $MUNGE_KEY ]] || { echo "slurm: no munge key $MUNGE_KEY" >&2; return 1; }
  encrypt_file "$MUNGE_KEY" munge.key.enc || { echo "slurm: the munge key could not be encrypted" >&2; return 1; }
  meta munge_key munge.key.enc
fi
return 0
