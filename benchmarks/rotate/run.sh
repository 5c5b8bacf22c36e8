#!/usr/bin/env bash
# Wall time of `cnp-token rotate --all --force` over many accounts (default 1,000) against the
# FortiCNP simulator and a real redis-server, beside a shell loop with redis-cli, curl and jq doing
# the same refreshes, plus the JVM's start-up share of a one-account run. Everything on 127.0.0.1.
#
#   benchmarks/rotate/run.sh [--accounts N] [--reps N] [--concurrency "4 16"] [--build]
#
# Builds the jars when missing (--build: always), starts the environment (simulator + embedded
# redis-server, seeded through the library), interleaves the repetitions of every variant, prints a
# table of medians, and stops everything it started on exit. See docs/benchmarks-rotate.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app_jar="$root/app/target/cnp-token-app-0.1.0-SNAPSHOT-all.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

accounts=1000
reps=3
concurrencies="4 16"
build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --accounts) accounts="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --concurrency) concurrencies="$2"; shift 2 ;;
    --build) build=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

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

work="$(mktemp -d "${TMPDIR:-/tmp}/cnp-rotate-bench.XXXXXX")"
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
  # last resort, should the JVM have died without stopping its redis-server child
  if [ -n "$redis_port" ] && redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
minimum() { sort -n | head -1; }

echo "starting the simulator and redis-server, logging in $accounts accounts ..." >&2
mkfifo "$work/hold"
java -cp "$bench_jar" dev.cnptoken.benchmarks.rotate.RotateBenchEnvironment --accounts "$accounts" \
  <"$work/hold" >"$work/env.out" 2>"$work/env.err" &
env_pid=$!
exec 3>"$work/hold"
for _ in $(seq 1 1200); do
  grep -qx READY "$work/env.out" 2>/dev/null && break
  if ! kill -0 "$env_pid" 2>/dev/null; then
    echo "run.sh: the environment did not start:" >&2; tail -20 "$work/env.err" >&2; exit 1
  fi
  sleep 0.1
done
grep -qx READY "$work/env.out" || { echo "run.sh: the environment did not get ready in 120 s" >&2; exit 1; }
base_url="$(sed -n 's/^BASE_URL=//p' "$work/env.out")"
redis_port="$(sed -n 's/^REDIS_PORT=//p' "$work/env.out")"
redis_url="$(sed -n 's/^REDIS_URL=//p' "$work/env.out")"
seed_ms="$(sed -n 's/^SEED_MS=//p' "$work/env.out")"
case "$base_url" in http://127.0.0.1:*) ;; *) echo "run.sh: unexpected simulator URL $base_url" >&2; exit 1 ;; esac
echo "simulator $base_url, redis-server 127.0.0.1:$redis_port, $accounts accounts seeded in ${seed_ms} ms" >&2

export CNP_STORE=redis CNP_REDIS_URL="$redis_url" CNP_BASE_URL="$base_url"
export REDIS_PORT="$redis_port" BASE_URL="$base_url"
unset CNP_CONFIG CNP_ACCOUNTS CNP_CREDENTIAL 2>/dev/null || true

# Each variant: a name and a command; the command's wall time is measured, its exit code checked.
cnp_all() { # concurrency
  CNP_CONCURRENCY="$1" java -jar "$app_jar" rotate --all --force >"$work/out" 2>"$work/err" &&
    tail -1 "$work/out" | grep -q "^rotate: $accounts accounts, exit 0 "
}
cnp_one() { java -jar "$app_jar" rotate --account bench-0001 --force >"$work/out" 2>"$work/err"; }
cnp_version() { java -jar "$app_jar" --version >"$work/out" 2>"$work/err"; }
list_accounts() { # what a script does to find the accounts
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern 'cnp:{*}:refresh' | sed -e 's/^cnp:{//' -e 's/}:refresh$//' | sort
}
shell_seq() { list_accounts | xargs "$here/shell-rotate.sh" >"$work/out" 2>"$work/err"; }
shell_par() { list_accounts | xargs -P "$1" -n $(( (accounts + $1 - 1) / $1 )) "$here/shell-rotate.sh" >"$work/out" 2>"$work/err"; }
shell_one() { "$here/shell-rotate.sh" bench-0001 >"$work/out" 2>"$work/err"; }

variants=("version" "cnp_one" "shell_one")
for c in $concurrencies; do variants+=("cnp_all:$c"); done
variants+=("shell_seq" "shell_par:4")

declare -A times
run_variant() {
  local v="$1" fn="${1%%:*}" arg=""
  [ "$v" != "$fn" ] && arg="${v#*:}"
  [ "$fn" = version ] && fn=cnp_version
  local start end
  start=$(now_ms)
  if ! $fn $arg; then
    echo "run.sh: $v failed; its output:" >&2; tail -5 "$work/out" >&2; tail -20 "$work/err" >&2; exit 1
  fi
  end=$(now_ms)
  times[$v]+="$((end - start)) "
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (page cache: one --version, one single-account run of each) ..." >&2
cnp_version; cnp_one; shell_one
for r in $(seq 1 "$reps"); do
  for v in "${variants[@]}"; do
    echo "  rep $r/$reps: $v" >&2
    run_variant "$v"
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

med() { tr ' ' '\n' <<<"${times[$1]}" | grep . | median; }
low() { tr ' ' '\n' <<<"${times[$1]}" | grep . | minimum; }
row() { # label variant accounts
  local m; m=$(med "$2")
  printf '| %-52s | %9s | %9s | %-22s | %s |\n' "$1" "$m" "$(low "$2")" "${times[$2]% }" \
    "$(awk -v n="$3" -v m="$m" 'BEGIN { if (m > 0) printf "%.0f", n * 1000 / m; else print "-" }')"
}

echo
echo "cnp-token rotate benchmark: $accounts accounts, $reps repetitions each (interleaved), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) CPUs, $(java -version 2>&1 | head -1); load average $load_before before, $load_after after"
echo
printf '| %-52s | %9s | %9s | %-22s | %s |\n' "variant" "median ms" "min ms" "all runs (ms)" "accounts/s"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "-----------" "-----------" "------------------------" "------------"
for c in $concurrencies; do
  row "cnp-token rotate --all --force, CNP_CONCURRENCY=$c" "cnp_all:$c" "$accounts"
done
row "shell loop (redis-cli + curl + jq), sequential" shell_seq "$accounts"
row "shell loop, 4 in parallel (xargs -P 4)" "shell_par:4" "$accounts"
row "cnp-token rotate --account bench-0001 --force" cnp_one 1
row "shell loop, one account" shell_one 1
row "cnp-token --version (JVM start-up + CLI parse)" version 0
echo
first_c="${concurrencies%% *}"
awk -v v="$(med version)" -v o="$(med cnp_one)" -v a="$(med "cnp_all:$first_c")" -v n="$accounts" -v c="$first_c" 'BEGIN {
  printf "JVM start-up share of a one-account run: %d of %d ms = %.0f%%\n", v, o, 100 * v / o
  printf "fixed cost of a run (one-account run) in the %d-account run (concurrency %d): %d of %d ms = %.0f%%\n", n, c, o, a, 100 * o / a
  printf "marginal cost per account at concurrency %d: %.1f ms\n", c, (a - o) / (n - 1)
}'
