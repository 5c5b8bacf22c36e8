#!/usr/bin/env bash
# Wall time of `cnp-token rotate --all --force` over many accounts (default 1,000) against the
# FortiCNP simulator and a real redis-server, beside a shell loop with redis-cli, curl and jq doing
# the same refreshes, on bare loopback and with the simulator holding every answer back 25 ms (as
# if FortiCNP were that far away), plus the JVM's start-up share of a one-account run.
#
#   benchmarks/rotate/run.sh [--accounts N] [--reps N] [--concurrency "default 4"]
#                            [--latency "0 25"] [--shell "seq par" | --shell none]
#                            [--java-jar] [--build]
#
#   --accounts N      accounts to seed and rotate (default 1000; up to 99999)
#   --reps N          repetitions of every variant, interleaved (default 2)
#   --concurrency L   CNP_CONCURRENCY values for cnp-token; "default" leaves it unset (default "default 4")
#   --latency L       simulator latencies in ms, one environment each (default "0 25")
#   --shell L         shell-loop variants: seq (sequential), par (4 in parallel), none (default "seq par")
#   --java-jar        run cnp-token as `java -jar app.jar` instead of the repository's ./cnp-token launcher
#   --build           rebuild the jars first (they are built when missing)
#
# Short runs: --accounts 50 --reps 1 (a smoke run, well under a minute); the 10,000-account run:
# --accounts 10000 --shell none. Builds the jars when missing, starts one environment per latency
# (simulator + embedded redis-server, seeded through the library), interleaves the repetitions of
# every variant, prints a table of medians, and stops everything it started on exit.
# See docs/benchmarks-rotate.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app_jar="$root/app/target/cnp-token-app-0.1.0-SNAPSHOT-all.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

accounts=1000
reps=2
concurrencies="default 4"
latencies="0 25"
shells="seq par"
java_jar=0
build=0
usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --accounts) accounts="${2:?--accounts needs a value}"; shift 2 ;;
    --reps) reps="${2:?--reps needs a value}"; shift 2 ;;
    --concurrency) concurrencies="${2:?--concurrency needs a value}"; shift 2 ;;
    --latency) latencies="${2:?--latency needs a value}"; shift 2 ;;
    --shell) shells="${2?--shell needs a value}"; shift 2 ;;
    --java-jar) java_jar=1; shift ;;
    --build) build=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ "$shells" = none ] && shells=""
latencies="$(sed 's/ms//g' <<<"$latencies")"
for n in "$accounts" "$reps" $latencies; do
  case "$n" in ''|*[!0-9]*) echo "run.sh: '$n' is not a whole number (try --help)" >&2; exit 2 ;; esac
done
for c in $concurrencies; do
  case "$c" in default) ;; ''|*[!0-9]*|0) echo "run.sh: concurrency '$c' is not 'default' or a positive number" >&2; exit 2 ;; esac
done
for s in $shells; do
  case "$s" in seq|par) ;; *) echo "run.sh: --shell takes seq, par or none, not '$s'" >&2; exit 2 ;; esac
done
if [ "$accounts" -lt 1 ] || [ "$accounts" -gt 99999 ] || [ "$reps" -lt 1 ] || [ -z "$latencies" ]; then
  echo "run.sh: --accounts must be 1..99999, --reps at least 1, --latency not empty (try --help)" >&2; exit 2
fi

missing=()
for tool in java redis-cli curl jq xargs awk date; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: missing: ${missing[*]}" >&2
  echo "  install on Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y redis-tools curl jq" >&2
  echo "  (java: a JDK 17 or newer, e.g. openjdk-17-jdk-headless)" >&2
  exit 2
fi

if [ "$build" = 1 ] || [ ! -f "$app_jar" ] || [ ! -f "$bench_jar" ]; then
  echo "building the jars (./mvnw -B -q package -DskipTests) ..." >&2
  (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
if [ "$java_jar" = 1 ]; then cnp=(java -jar "$app_jar"); cnp_label="java -jar app.jar"; else cnp=("$root/cnp-token"); cnp_label="./cnp-token"; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cnp-rotate-bench.XXXXXX")"
declare -A env_pid env_fd base_url redis_port redis_url seed_ms
cleanup() {
  local rc=$? l
  trap - EXIT INT TERM
  for l in "${!env_fd[@]}"; do
    eval "exec ${env_fd[$l]}>&-"  # closing an environment's stdin tells it to stop
  done
  for l in "${!env_pid[@]}"; do
    for _ in $(seq 1 100); do
      kill -0 "${env_pid[$l]}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${env_pid[$l]}" 2>/dev/null; then
      kill -TERM "${env_pid[$l]}" 2>/dev/null || true
      wait "${env_pid[$l]}" 2>/dev/null || true
    fi
  done
  # last resort, should a JVM have died without stopping its redis-server child
  for l in "${!redis_port[@]}"; do
    if redis-cli -h 127.0.0.1 -p "${redis_port[$l]}" ping >/dev/null 2>&1; then
      redis-cli -h 127.0.0.1 -p "${redis_port[$l]}" shutdown nosave >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
minimum() { sort -n | head -1; }
field() { sed -n "s/^$1=//p" "$2"; }

echo "starting $(wc -w <<<"$latencies") environment(s) (simulator latency ms: $latencies), logging in $accounts accounts each ..." >&2
for l in $latencies; do
  d="$work/env-$l"; mkdir -p "$d"; mkfifo "$d/hold"
  java -cp "$bench_jar" dev.cnptoken.benchmarks.rotate.RotateBenchEnvironment --accounts "$accounts" --latency-ms "$l" \
    <"$d/hold" >"$d/out" 2>"$d/err" &
  env_pid[$l]=$!
  exec {fd}>"$d/hold"
  env_fd[$l]=$fd
done
for l in $latencies; do
  d="$work/env-$l"
  for _ in $(seq 1 3000); do
    grep -qx READY "$d/out" 2>/dev/null && break
    if ! kill -0 "${env_pid[$l]}" 2>/dev/null; then
      echo "run.sh: the environment (latency $l ms) did not start:" >&2; tail -20 "$d/err" >&2; exit 1
    fi
    sleep 0.1
  done
  grep -qx READY "$d/out" || { echo "run.sh: the environment (latency $l ms) did not get ready in 300 s" >&2; exit 1; }
  base_url[$l]="$(field BASE_URL "$d/out")"
  redis_port[$l]="$(field REDIS_PORT "$d/out")"
  redis_url[$l]="$(field REDIS_URL "$d/out")"
  seed_ms[$l]="$(field SEED_MS "$d/out")"
  first_account="$(field FIRST_ACCOUNT "$d/out")"
  case "${base_url[$l]}" in http://127.0.0.1:*) ;; *) echo "run.sh: unexpected simulator URL ${base_url[$l]}" >&2; exit 1 ;; esac
  echo "latency $l ms: simulator ${base_url[$l]}, redis-server 127.0.0.1:${redis_port[$l]}, $accounts accounts seeded in ${seed_ms[$l]} ms" >&2
done
first_latency="${latencies%% *}"

export CNP_STORE=redis
unset CNP_CONFIG CNP_ACCOUNTS CNP_CREDENTIAL CNP_CONCURRENCY 2>/dev/null || true

# Each variant: a name and a command; the command's wall time is measured, its exit code checked.
use_env() { # latency: point cnp-token and the shell loop at that environment
  export CNP_REDIS_URL="${redis_url[$1]}" CNP_BASE_URL="${base_url[$1]}" REDIS_PORT="${redis_port[$1]}" BASE_URL="${base_url[$1]}"
}
cnp_all() { # latency concurrency
  use_env "$1"
  if [ "$2" = default ]; then
    "${cnp[@]}" rotate --all --force >"$work/out" 2>"$work/err"
  else
    CNP_CONCURRENCY="$2" "${cnp[@]}" rotate --all --force >"$work/out" 2>"$work/err"
  fi && tail -1 "$work/out" | grep -q "^rotate: $accounts accounts, exit 0 "
}
cnp_one() { use_env "$1"; "${cnp[@]}" rotate --account "$first_account" --force >"$work/out" 2>"$work/err"; }
cnp_version() { "${cnp[@]}" --version >"$work/out" 2>"$work/err"; }
list_accounts() { # what a script does to find the accounts
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern 'cnp:{*}:refresh' | sed -e 's/^cnp:{//' -e 's/}:refresh$//' | sort
}
shell_seq() { use_env "$1"; list_accounts | xargs "$here/shell-rotate.sh" >"$work/out" 2>"$work/err"; }
shell_par() { use_env "$1"; list_accounts | xargs -P "$2" -n $(( (accounts + $2 - 1) / $2 )) "$here/shell-rotate.sh" >"$work/out" 2>"$work/err"; }
shell_one() { use_env "$1"; "$here/shell-rotate.sh" "$first_account" >"$work/out" 2>"$work/err"; }

variants=("version" "cnp_one:$first_latency" "shell_one:$first_latency")
for l in $latencies; do
  for c in $concurrencies; do variants+=("cnp_all:$l:$c"); done
  for s in $shells; do
    case "$s" in seq) variants+=("shell_seq:$l") ;; par) variants+=("shell_par:$l:4") ;; esac
  done
done

declare -A times
run_variant() {
  local v="$1" fn="${1%%:*}" args=()
  [ "$v" != "$fn" ] && IFS=: read -r -a args <<<"${v#*:}"
  [ "$fn" = version ] && fn=cnp_version
  local start end
  start=$(now_ms)
  if ! $fn "${args[@]}"; then
    echo "run.sh: $v failed; its output:" >&2; tail -5 "$work/out" >&2; tail -20 "$work/err" >&2; exit 1
  fi
  end=$(now_ms)
  times[$v]+="$((end - start)) "
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (page cache: one --version, one single-account run of each) ..." >&2
cnp_version; cnp_one "$first_latency"; shell_one "$first_latency"
for r in $(seq 1 "$reps"); do
  for v in "${variants[@]}"; do
    echo "  rep $r/$reps: $v" >&2
    run_variant "$v"
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

med() { tr ' ' '\n' <<<"${times[$1]:-}" | grep . | median; }
low() { tr ' ' '\n' <<<"${times[$1]:-}" | grep . | minimum; }
row() { # latency label variant accounts
  local m; m=$(med "$3")
  printf '| %7s | %-62s | %9s | %9s | %-24s | %10s | %10s |\n' "$1" "$2" "$m" "$(low "$3")" "${times[$3]% }" \
    "$(awk -v n="$4" -v m="$m" 'BEGIN { if (n > 1) printf "%.2f", m / n; else print "-" }')" \
    "$(awk -v n="$4" -v m="$m" 'BEGIN { if (m > 0 && n > 1) printf "%.0f", n * 1000 / m; else print "-" }')"
}
conc_label() { [ "$1" = default ] && echo "default concurrency" || echo "CNP_CONCURRENCY=$1"; }
ratio() { awk -v a="$(med "$1")" -v b="$(med "$2")" 'BEGIN { if (a > 0 && b != "-") printf "%.1fx", b / a; else print "-" }'; }

echo
echo "cnp-token rotate benchmark: $accounts accounts, $reps repetitions each (interleaved), cnp-token run as $cnp_label, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) CPUs ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)), $(java -version 2>&1 | head -1); load average $load_before before, $load_after after"
for l in $latencies; do echo "seeding $accounts accounts at latency $l ms took ${seed_ms[$l]} ms"; done
echo
printf '| %7s | %-62s | %9s | %9s | %-24s | %10s | %10s |\n' "latency" "variant" "median ms" "min ms" "all runs (ms)" "ms/account" "accounts/s"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "---------" "$(printf -- '-%.0s' {1..64})" "-----------" "-----------" "--------------------------" "------------" "------------"
for l in $latencies; do
  for c in $concurrencies; do row "$l ms" "cnp-token rotate --all --force, $(conc_label "$c")" "cnp_all:$l:$c" "$accounts"; done
  for s in $shells; do
    case "$s" in
      seq) row "$l ms" "shell loop (redis-cli + curl + jq), sequential" "shell_seq:$l" "$accounts" ;;
      par) row "$l ms" "shell loop, 4 in parallel (xargs -P 4)" "shell_par:$l:4" "$accounts" ;;
    esac
  done
done
row "$first_latency ms" "cnp-token rotate --account $first_account --force" "cnp_one:$first_latency" 1
row "$first_latency ms" "shell loop, one account" "shell_one:$first_latency" 1
row "-" "cnp-token --version (JVM start-up + CLI parse)" version 0
echo
for l in $latencies; do
  for c in $concurrencies; do
    line="latency $l ms, cnp-token $(conc_label "$c"):"
    for s in $shells; do
      case "$s" in
        seq) line+=" $(ratio "cnp_all:$l:$c" "shell_seq:$l") the speed of the sequential shell loop;" ;;
        par) line+=" $(ratio "cnp_all:$l:$c" "shell_par:$l:4") the speed of the 4-way parallel shell loop;" ;;
      esac
    done
    if [ -n "$shells" ]; then echo "${line%;}"; fi
  done
done
first_c="${concurrencies%% *}"
awk -v v="$(med version)" -v o="$(med "cnp_one:$first_latency")" -v a="$(med "cnp_all:$first_latency:$first_c")" -v n="$accounts" \
    -v c="$(conc_label "$first_c")" -v l="$first_latency" 'BEGIN {
  printf "JVM start-up share of a one-account run: %d of %d ms = %.0f%%\n", v, o, 100 * v / o
  printf "fixed cost of a run (one-account run) in the %d-account run (latency %d ms, %s): %d of %d ms = %.0f%%\n", n, l, c, o, a, 100 * o / a
  if (n > 1) printf "marginal cost per account (latency %d ms, %s): %.2f ms\n", l, c, (a - o) / (n - 1)
}'
