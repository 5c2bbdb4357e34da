#!/usr/bin/env bash
# Runs one `qosim sweep` on a Slurm cluster: a job array of N tasks, each running one slice of
# the sweep (--shard auto) into OUTDIR/shard-<task>, then a job that starts once every task
# succeeded (afterok) and joins the slices with `qosim merge` into OUTDIR/merged.
#
#   scripts/slurm-sweep.sh [OPTIONS] SCENARIO.yaml OUTDIR [-- SWEEP-OPTION ...]
#
#   --tasks N         array tasks = slices of the sweep (default 4; more than the sweep has
#                     tasks leaves some slices empty, which is harmless)
#   --qosim PATH      the qosim executable (default build/release/app/qosim of this checkout)
#   --partition P     Slurm partition (default: the cluster's default partition)
#   --time HH:MM:SS   time limit of each array task and of the merge job (default: partition's)
#   --cpus C          CPUs per array task, given to qosim as --jobs (default 1)
#   --dry-run         print the batch scripts and sbatch commands, submit and write nothing
#
# Each SWEEP-OPTION after -- goes to every slice (e.g. -- --reps 20 --set run.seed=3); this
# script sets --out, --shard, --resume, --jobs and --quiet itself. Account, QOS, memory and
# the like come from sbatch's own variables: SBATCH_ACCOUNT=proj scripts/slurm-sweep.sh ...
# OUTDIR and the qosim executable must be on a file system that the compute nodes share.
# The scenario path is made absolute once and every slice gets that same string, so
# OUTDIR/merged/{sweep,sweep_summary,run_info}.csv are byte-identical to one unsharded
# `qosim sweep ABSOLUTE-PATH --out DIR` with the same SWEEP-OPTIONs (run_info.csv records
# the path; the script prints it). A task that Slurm requeues, or all of them when this
# script is run again with the same arguments after a failure, continues its shard with
# --resume from the sweep.journal there instead of starting over; reusing an OUTDIR with
# another scenario, option or --tasks makes the slices fail with qosim's reason instead.
# Batch scripts and logs land in OUTDIR/slurm/. Exit status: 0 when both jobs were
# submitted, 1 when sbatch failed, 2 on a usage error or an invalid scenario.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
me="slurm-sweep.sh"

usage_error() {
    echo "$me: $1 (see --help)" >&2
    exit 2
}

tasks=4
qosim="$root/build/release/app/qosim"
partition=""
time_limit=""
cpus=1
dry_run=0
positional=()
extra=()
while (($#)); do
    case "$1" in
        -h | --help)
            sed -n '2,28s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        --tasks | --qosim | --partition | --time | --cpus)
            (($# >= 2)) || usage_error "$1 needs a value"
            case "$1" in
                --tasks) tasks="$2" ;;
                --qosim) qosim="$2" ;;
                --partition) partition="$2" ;;
                --time) time_limit="$2" ;;
                --cpus) cpus="$2" ;;
            esac
            shift 2
            ;;
        --dry-run)
            dry_run=1
            shift
            ;;
        --)
            shift
            extra=("$@")
            break
            ;;
        -*) usage_error "unknown option '$1'" ;;
        *)
            positional+=("$1")
            shift
            ;;
    esac
done
((${#positional[@]} == 2)) || usage_error "give SCENARIO.yaml and OUTDIR"
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || usage_error "--tasks is a positive integer, not '$tasks'"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || usage_error "--cpus is a positive integer, not '$cpus'"
for option in ${extra[@]+"${extra[@]}"}; do
    case "$option" in
        --out | --out=* | --shard | --shard=* | --resume | --jobs | --jobs=* | -h | --help)
            usage_error "this script sets ${option%%=*} itself; leave it out after --"
            ;;
    esac
done

# Absolute paths, resolved once here: the compute nodes start in another directory, and every
# slice must record the same scenario string for the merge to match an unsharded run.
absolute() {
    local dir
    dir="$(cd "$(dirname -- "$1")" && pwd)" || return 1
    printf '%s/%s\n' "${dir%/}" "$(basename -- "$1")"
}
scenario="${positional[0]}"
[[ -f "$scenario" ]] || usage_error "no scenario file '$scenario'"
scenario="$(absolute "$scenario")"
if [[ "$qosim" != */* ]]; then
    found="$(command -v -- "$qosim")" || usage_error "no '$qosim' on PATH"
    qosim="$found"
fi
[[ -x "$qosim" && ! -d "$qosim" ]] || usage_error "no qosim executable at $qosim (build it first or give --qosim)"
qosim="$(absolute "$qosim")"
out="${positional[1]}"
[[ "$out" == /* ]] || out="$PWD/$out"
out="${out%/}"

# Fail now, not after the queue wait, when the scenario does not load.
if ! "$qosim" check "$scenario" >/dev/null; then
    echo "$me: $scenario is not a valid scenario (qosim check above); nothing submitted" >&2
    exit 2
fi

# The batch scripts get every value baked in, quoted for bash (printf %q), so that they do not
# depend on the environment that sbatch passes on; the rest of each is fixed text.
quoted_extra=""
for option in ${extra[@]+"${extra[@]}"}; do
    quoted_extra+=" $(printf '%q' "$option")"
done
sweep_script="$(
    printf '#!/usr/bin/env bash\n'
    printf '# One slice of a sweep, written by scripts/slurm-sweep.sh: task K of an array of N.\n'
    printf 'set -euo pipefail\n'
    printf 'qosim=%q\nscenario=%q\nout=%q\nextra=(%s)\n' "$qosim" "$scenario" "$out" "${quoted_extra# }"
    cat <<'EOF'
shard="$out/shard-$SLURM_ARRAY_TASK_ID"
journal="$shard/sweep.journal"
resume=()
note=""
if [[ -f "$journal" ]]; then
    # A requeued or rerun task: continue what the one before finished.
    resume=(--resume)
    note=", resuming"
fi
echo "$(date '+%F %T') task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT on $(hostname)$note"
exec "$qosim" sweep "$scenario" --shard auto --out "$shard" --jobs "${SLURM_CPUS_PER_TASK:-1}" \
    --quiet ${resume[@]+"${resume[@]}"} ${extra[@]+"${extra[@]}"}
EOF
)"
merge_script="$(
    printf '#!/usr/bin/env bash\n'
    printf '# Joins the slices of a sweep, written by scripts/slurm-sweep.sh: runs after the array.\n'
    printf 'set -euo pipefail\n'
    printf 'qosim=%q\nout=%q\ntasks=%q\n' "$qosim" "$out" "$tasks"
    cat <<'EOF'
shards=()
for ((k = 1; k <= tasks; k++)); do
    shards+=("$out/shard-$k")
done
exec "$qosim" merge "${shards[@]}" --out "$out/merged"
EOF
)"

common=(--parsable --chdir="$out" --open-mode=append)
[[ -n "$partition" ]] && common+=(--partition="$partition")
[[ -n "$time_limit" ]] && common+=(--time="$time_limit")
name="qosim-$(basename "${scenario%.*}")"
array_args=("${common[@]}" --job-name="$name" --array="1-$tasks" --cpus-per-task="$cpus"
    --requeue --output="$out/slurm/sweep-%A_%a.out")
merge_args=("${common[@]}" --job-name="$name-merge" --cpus-per-task=1
    --kill-on-invalid-dep=yes --output="$out/slurm/merge-%j.out")
reference="qosim sweep $(printf '%q' "$scenario") --out DIR$quoted_extra"

if ((dry_run)); then
    printf '%s\n' "== $out/slurm/sweep.sbatch" "$sweep_script" "== $out/slurm/merge.sbatch" "$merge_script"
    echo "== submit"
    printf 'sbatch'
    printf ' %q' "${array_args[@]}" "$out/slurm/sweep.sbatch"
    printf '\nsbatch --dependency=afterok:ARRAY_JOB_ID'
    printf ' %q' "${merge_args[@]}" "$out/slurm/merge.sbatch"
    printf '\n== the same bytes in one piece: %s\n' "$reference"
    exit 0
fi

command -v sbatch >/dev/null || {
    echo "$me: no sbatch on PATH (run this on a Slurm login node, or try --dry-run)" >&2
    exit 1
}
mkdir -p "$out/slurm"
printf '%s\n' "$sweep_script" >"$out/slurm/sweep.sbatch"
printf '%s\n' "$merge_script" >"$out/slurm/merge.sbatch"
chmod +x "$out/slurm/sweep.sbatch" "$out/slurm/merge.sbatch"

array_id="$(sbatch "${array_args[@]}" "$out/slurm/sweep.sbatch")" || {
    echo "$me: sbatch refused the array job; nothing submitted" >&2
    exit 1
}
array_id="${array_id%%;*}" # --parsable prints "id" or "id;cluster"
merge_id="$(sbatch --dependency="afterok:$array_id" "${merge_args[@]}" "$out/slurm/merge.sbatch")" || {
    echo "$me: sbatch refused the merge job; the array $array_id runs on (scancel $array_id," >&2
    echo "$me: or merge by hand: $qosim merge $out/shard-{1..$tasks} --out $out/merged)" >&2
    exit 1
}
merge_id="${merge_id%%;*}"

echo "submitted array job $array_id ($tasks tasks x $cpus CPUs) and merge job $merge_id (after all succeed)"
echo "  scenario  $scenario"
echo "  shards    $out/shard-1 .. $out/shard-$tasks   logs in $out/slurm/"
echo "  result    $out/merged/{sweep,sweep_summary,run_info}.csv"
echo "  watch     squeue -j $array_id,$merge_id"
echo "  the same bytes in one piece: $reference"
