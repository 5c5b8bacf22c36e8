#!/usr/bin/env bash
# Start-up cost of the one-shot cnp-token commands: wall time, CPU time (user+sys) and peak RSS of
# `--version`, `rotate --account X --force`, `token --account X`, `status`, `doctor` and `login`,
# against the FortiCNP simulator and a real redis-server (and the file store), each as plain
# `java -jar` (the JVM's defaults) and through the ./cnp-token launcher (CDS archive, C1, Serial GC).
# Repetitions are interleaved; it prints medians and the ratios to `--version`. Nothing asserts a time.
#
#   benchmarks/rotate/startup.sh [--reps N] [--modes "java launcher"] [--baseline-jar JAR] [--build]
#
# Modes: java (plain `java -jar`), flags (the launcher without its archive: CNP_CDS=off), launcher;
# with --baseline-jar (an older build's -all.jar): base (plain `java -jar` of it), base-launcher (it,
# through this launcher: archive and flags), to see what the code changes gained.
#
# Builds the jars when missing (--build: always), starts the environment (simulator + embedded
# redis-server, seeded through the library), and stops everything it started on exit. The launcher's
# CDS archives go to a temporary directory, made by one warm-up run of each command; the time that
# first run takes (the archive dump) is printed too. See docs/benchmarks-rotate.md, "Start-up".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app_jar="$root/app/target/cnp-token-app-0.1.0-SNAPSHOT-all.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"
launcher="$root/cnp-token"

reps=7
modes="java launcher"
build=0
baseline_jar=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --baseline-jar) baseline_jar="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --build) build=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "startup.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

missing=()
for tool in java awk sort date stat; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (Debian package: time)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "startup.sh: missing: ${missing[*]}" >&2
  echo "  install on Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y time" >&2
  exit 2
fi

case " $modes " in
  *" base "*|*" base-launcher "*) [ -f "$baseline_jar" ] || { echo "startup.sh: modes base/base-launcher need --baseline-jar JAR" >&2; exit 2; } ;;
esac
if [ "$build" = 1 ] || [ ! -f "$app_jar" ] || [ ! -f "$bench_jar" ]; then
  echo "building the jars (./mvnw -B -q package -DskipTests) ..." >&2
  (cd "$root" && ./mvnw -B -q package -DskipTests)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cnp-startup-bench.XXXXXX")"
env_pid=""
redis_port=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  exec 3>&-  # closing the environment's stdin tells it to stop
  if [ -n "$env_pid" ]; then
    for _ in $(seq 1 100); do
      kill -0 "$env_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$env_pid" 2>/dev/null; then
      kill -TERM "$env_pid" 2>/dev/null || true
      wait "$env_pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The API credential the simulator accepts (for `login`); random, in a file only this user reads.
umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/credential"
umask 022

echo "starting the simulator and redis-server, logging in 2 accounts ..." >&2
mkfifo "$work/hold"
java -cp "$bench_jar" dev.cnptoken.benchmarks.rotate.RotateBenchEnvironment --accounts 2 \
  --credential-file "$work/credential" <"$work/hold" >"$work/env.out" 2>"$work/env.err" &
env_pid=$!
exec 3>"$work/hold"
for _ in $(seq 1 1200); do
  grep -qx READY "$work/env.out" 2>/dev/null && break
  if ! kill -0 "$env_pid" 2>/dev/null; then
    echo "startup.sh: the environment did not start:" >&2; tail -20 "$work/env.err" >&2; exit 1
  fi
  sleep 0.1
done
grep -qx READY "$work/env.out" || { echo "startup.sh: the environment did not get ready in 120 s" >&2; exit 1; }
base_url="$(sed -n 's/^BASE_URL=//p' "$work/env.out")"
redis_port="$(sed -n 's/^REDIS_PORT=//p' "$work/env.out")"
redis_url="$(sed -n 's/^REDIS_URL=//p' "$work/env.out")"
case "$base_url" in http://127.0.0.1:*) ;; *) echo "startup.sh: unexpected simulator URL $base_url" >&2; exit 1 ;; esac
echo "simulator $base_url, redis-server 127.0.0.1:$redis_port" >&2

unset CNP_CONFIG CNP_ACCOUNTS CNP_CREDENTIAL CNP_JAVA_OPTS CNP_CDS CNP_LAUNCHER_FLAGS 2>/dev/null || true
export CNP_BASE_URL="$base_url" CNP_CREDENTIAL_FILE="$work/credential"
export CNP_CDS_DIR="$work/cds"
# No user configuration file: HOME is the work directory.
export HOME="$work"
# made as the file store makes its directory (0700): a wider one gets a warning at every run
mkdir -m 700 "$work/files"

# One command line per variant: "<store> <arguments...>"
declare -A args=(
  [version]="- --version"
  [rotate]="redis rotate --account bench-0001 --force"
  [token]="redis token --account bench-0001"
  [status]="redis status --account bench-0001"
  [doctor]="redis doctor"
  [login]="redis login --account bench-0002"
  [rotate_file]="file rotate --account file-a --force"
  [token_file]="file token --account file-a"
)
order=(version rotate token status doctor login rotate_file token_file)

declare -A wall cpu rss
# run MODE VARIANT: one measured run; checks the exit code and that stderr has no JVM noise
run() {
  local mode="$1" v="$2" store cmd
  read -r store cmd <<<"${args[$v]}"
  local -a envs=()
  case "$store" in
    redis) envs=(CNP_STORE=redis "CNP_REDIS_URL=$redis_url") ;;
    file) envs=(CNP_STORE=file "CNP_FILE_DIR=$work/files") ;;
    -) envs=() ;;
  esac
  local -a runner
  case "$mode" in
    java) runner=(java -jar "$app_jar") ;;
    flags) runner=(env CNP_CDS=off "$launcher") ;;
    launcher) runner=("$launcher") ;;
    base) runner=(java -jar "$baseline_jar") ;;
    base-launcher) runner=(env "CNP_JAR=$baseline_jar" "CNP_CDS_DIR=$work/cds-base" "$launcher") ;;
    *) echo "startup.sh: unknown mode $mode" >&2; exit 2 ;;
  esac
  local start end
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  if ! env "${envs[@]}" /usr/bin/time -f '%U %S %M' -o "$work/time" "${runner[@]}" $cmd >"$work/out" 2>"$work/err"; then
    echo "startup.sh: $mode $v failed; its output:" >&2; tail -5 "$work/out" >&2; tail -20 "$work/err" >&2; exit 1
  fi
  end=$(date +%s%N)
  # JVM unified logging writes "[0.123s][warning][cds] ..." (to stdout by default)
  if grep -qiE '\[(warning|error|info)\]|cds|shared archive|sharing' "$work/err" || grep -qE '^\[[0-9.]+s\]\[' "$work/out"; then
    echo "startup.sh: $mode $v printed JVM messages:" >&2; cat "$work/out" "$work/err" >&2; exit 1
  fi
  local key="$mode:$v"
  wall[$key]+="$(( (end - start) / 1000000 )) "
  cpu[$key]+="$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/time") "
  rss[$key]+="$(awk '{ printf "%d", $3 / 1024 }' "$work/time") "
}

# The file store's account, logged in once (through plain java, before any timing).
env CNP_STORE=file CNP_FILE_DIR="$work/files" java -jar "$app_jar" login --account file-a >/dev/null 2>"$work/err" ||
  { echo "startup.sh: could not log in the file store's account:" >&2; cat "$work/err" >&2; exit 1; }

uptime_before="$(uptime)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up: page cache, and the launcher's first run of each command (it makes the CDS archive) ..." >&2
declare -A first
for v in "${order[@]}"; do
  for mode in $modes; do
    run "$mode" "$v"
  done
  first[$v]="${wall[launcher:$v]:-} ${wall[base-launcher:$v]:-}"
done
for k in "${!wall[@]}"; do wall[$k]=""; cpu[$k]=""; rss[$k]=""; done

for r in $(seq 1 "$reps"); do
  echo "  rep $r/$reps" >&2
  for v in "${order[@]}"; do
    for mode in $modes; do
      run "$mode" "$v"
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
label() {
  case "$1" in
    version) echo "--version" ;;
    rotate) echo "rotate --account X --force (redis)" ;;
    token) echo "token --account X, valid token (redis)" ;;
    status) echo "status --account X (redis)" ;;
    doctor) echo "doctor (redis)" ;;
    login) echo "login --account Y (redis)" ;;
    rotate_file) echo "rotate --account X --force (file)" ;;
    token_file) echo "token --account X, valid token (file)" ;;
  esac
}

echo
echo "cnp-token start-up benchmark: $reps repetitions each (interleaved), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) CPUs, $(java -version 2>&1 | head -1); load average $load_before before, $load_after after"
echo "uptime before: $uptime_before"
echo
printf '| %-40s | %-13s | %8s | %8s | %8s | %10s | %10s |\n' "command" "how" "wall ms" "CPU ms" "RSS MiB" "wall/ver" "wall/java-ver"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "------------------------------------------" "---------------" "---------:" "---------:" "---------:" "-----------:" "-----------:"
for v in "${order[@]}"; do
  for mode in $modes; do
    k="$mode:$v"
    w=$(median <<<"${wall[$k]}"); c=$(median <<<"${cpu[$k]}"); m=$(median <<<"${rss[$k]}")
    vw=$(median <<<"${wall[$mode:version]}")
    jw=$(median <<<"${wall[java:version]:-}")
    printf '| %-40s | %-13s | %8s | %8s | %8s | %10s | %10s |\n' "$(label "$v")" "$mode" "$w" "$c" "$m" \
      "$(awk -v a="$w" -v b="$vw" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')" \
      "$(awk -v a="$w" -v b="$jw" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')"
  done
done
echo
echo "all runs, wall ms:"
for v in "${order[@]}"; do
  for mode in $modes; do
    printf '  %-12s %-13s %s\n' "$v" "$mode" "${wall[$mode:$v]% }"
  done
done
if [[ " $modes " == *"launcher "* ]]; then
  echo
  echo "launcher's first run of each command (makes its CDS archive), wall ms (launcher, base-launcher):"
  for v in "${order[@]}"; do printf '  %-12s %s\n' "$v" "${first[$v]% }"; done
  echo "archives: $(du -sh "$work/cds" 2>/dev/null | cut -f1) in $(ls "$work/cds" 2>/dev/null | wc -l) files; $(ls -s --block-size=M "$work/cds" 2>/dev/null | tail -n +2 | tr '\n' ' ')"
fi
