#!/usr/bin/env bash
# Fleet chaos harness: N `cnp-token run` daemons share one real redis-server (AOF on) and one FortiCNP
# simulator that rotates refresh tokens, while this script kills daemons (kill -9, restarted after a
# random pause), kills the lease holder in the middle of a refresh, restarts Redis and cuts FortiCNP
# off (503s, connection refused). A reader uses the access token from Redis every 200 ms. Ends with
# one summary line. Everything on 127.0.0.1; everything it started is stopped on exit.
#
#   benchmarks/chaos/run.sh [--duration 10m] [--daemons 3] [--accounts 2] [--seed N]
#                           [--access-lifetime 90s] [--no-credential] [--only KIND] [--keep-logs DIR]
#                           [--build]
#
# --duration: measured window (s or m suffix; default 10m); chaos stops one access lifetime before
#   its end so the fleet can settle before the lost-state verdict. --no-credential: the daemons get no
#   API credential (lost states are then expected after a kill between FortiCNP's answer and the store
#   write). See docs/chaos.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app_jar="$root/app/target/cnp-token-app-0.1.0-SNAPSHOT-all.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

seconds_of() { # 90 | 90s | 10m -> seconds
  case "$1" in
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}

duration=600
daemons=3
accounts=2
seed=""
lifetime=90
with_credential=1
keep_logs=""
only=""
build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$(seconds_of "$2")"; shift 2 ;;
    --daemons) daemons="$2"; shift 2 ;;
    --accounts) accounts="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --access-lifetime) lifetime="$(seconds_of "$2")"; shift 2 ;;
    --no-credential) with_credential=0; shift ;;
    --keep-logs) keep_logs="$2"; shift 2 ;;
    --build) build=1; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
for n in "$duration" "$daemons" "$accounts" "$lifetime"; do
  case "$n" in ''|*[!0-9]*) echo "run.sh: '$n' is not a whole number" >&2; exit 2 ;; esac
done
if [ "$daemons" -lt 1 ] || [ "$daemons" -gt 16 ]; then echo "run.sh: --daemons must be 1..16" >&2; exit 2; fi
if [ "$accounts" -lt 1 ] || [ "$accounts" -gt 20 ]; then echo "run.sh: --accounts must be 1..20" >&2; exit 2; fi
if [ "$lifetime" -lt 30 ] || [ "$lifetime" -gt 3600 ]; then echo "run.sh: --access-lifetime must be 30s..1h" >&2; exit 2; fi
if [ "$duration" -lt 30 ] || [ "$duration" -gt 7200 ]; then echo "run.sh: --duration must be 30s..2h" >&2; exit 2; fi
case "$only" in ''|kill|holder|redis|503|down) ;; *) echo "run.sh: --only takes kill, holder, redis, 503 or down" >&2; exit 2 ;; esac
[ -n "$seed" ] || seed=$(( $(date +%s) % 100000 ))
case "$seed" in ''|*[!0-9]*) echo "run.sh: --seed must be a whole number" >&2; exit 2 ;; esac
RANDOM=$seed

for tool in java unzip pgrep awk date; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: missing: $tool" >&2; exit 2; }
done
if [ "$build" = 1 ] || [ ! -f "$app_jar" ] || [ ! -f "$bench_jar" ]; then
  echo "building the jars (./mvnw -B -q -pl app,benchmarks -am package -DskipTests) ..." >&2
  (cd "$root" && ./mvnw -B -q -pl app,benchmarks -am package -DskipTests)
fi

# ---- state ---------------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/cnp-chaos.XXXXXX")"
env_pid=""
redis_pid=""
redis_port=""
summary=""
declare -a dpid=() drestart=() dport=()
n_kill=0 n_holder=0 n_holder_miss=0 n_redis=0 n_redis_kill9=0 n_503=0 n_down=0 n_restart=0

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log() { echo "chaos $(date -u +%H:%M:%S) $*" >&2; }
# rand LO HI: a number in [LO, HI] from the seeded sequence, in REPLY (no subshell, so the seed holds)
rand() { REPLY=$(( $1 + RANDOM % ($2 - $1 + 1) )); }
note() {
  if [ -n "$env_pid" ]; then echo "note $*" >&3; fi
  log "$*"
}

stop_pid() { # pid [seconds]: SIGTERM, then SIGKILL after the grace time
  local pid="$1" grace="${2:-10}"
  [ -n "$pid" ] && [ "$pid" != 0 ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $(( grace * 10 ))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  local i pid
  for pid in "${dpid[@]}"; do [ "$pid" != 0 ] && kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 100); do # daemons drain in-flight refreshes on SIGTERM; give them 10 s together
    local running=0
    for pid in "${dpid[@]}"; do [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null && running=1; done
    [ "$running" = 0 ] && break
    sleep 0.1
  done
  for i in "${!dpid[@]}"; do
    pid="${dpid[$i]}"
    [ "$pid" != 0 ] || continue
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; dpid[i]=0
  done
  [ -n "$env_pid" ] && exec 3>&- # closing its stdin ends the environment
  stop_pid "$env_pid" 10
  stop_pid "$redis_pid" 10
  local left
  left="$(pgrep -f -- "$work" || true)"
  if [ -n "$left" ]; then
    echo "run.sh: processes still running after cleanup: $left; killing them" >&2
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
  fi
  if [ -n "$keep_logs" ]; then
    mkdir -p "$keep_logs" && cp "$work"/*.log "$keep_logs"/ 2>/dev/null
    echo "run.sh: logs kept in $keep_logs" >&2
  fi
  rm -rf "$work"
  if [ -n "$summary" ]; then
    echo "$summary | processes left after exit: $(printf '%s' "$left" | grep -c . || true)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- environment: simulator, gate and reader (Java), redis-server --------------------------------
account_list=""
for i in $(seq 1 "$accounts"); do account_list+="${account_list:+,}chaos-$i"; done
umask 077
cat /proc/sys/kernel/random/uuid >"$work/credential"
mkdir -p "$work/credentials" "$work/redis" "$work/xdg"
for a in ${account_list//,/ }; do cp "$work/credential" "$work/credentials/$a"; done

mkfifo "$work/ctl"
java -Xmx256m -XX:+UseSerialGC -cp "$bench_jar" dev.cnptoken.benchmarks.chaos.ChaosEnvironment \
  --accounts "$account_list" --credential-file "$work/credential" --access-lifetime "PT${lifetime}S" \
  --daemons "$daemons" --events "$work/events.log" --max-runtime "PT$(( duration + 600 ))S" \
  --with-credential "$([ "$with_credential" = 1 ] && echo true || echo false)" \
  <"$work/ctl" >"$work/env.out" 2>"$work/env.log" &
env_pid=$!
exec 3>"$work/ctl"
for _ in $(seq 1 600); do
  grep -qx READY "$work/env.out" 2>/dev/null && break
  kill -0 "$env_pid" 2>/dev/null || { echo "run.sh: the environment did not start:" >&2; tail -20 "$work/env.log" >&2; exit 1; }
  sleep 0.1
done
grep -qx READY "$work/env.out" || { echo "run.sh: the environment did not get ready in 60 s" >&2; exit 1; }
gate_url="$(sed -n 's/^GATE_URL=//p' "$work/env.out")"
redis_port="$(sed -n 's/^REDIS_PORT=//p' "$work/env.out")"
IFS=, read -r -a dport <<<"$(sed -n 's/^DAEMON_PORTS=//p' "$work/env.out")"
case "$gate_url" in http://127.0.0.1:*) ;; *) echo "run.sh: unexpected FortiCNP URL $gate_url" >&2; exit 1 ;; esac

# The redis-server binary inside the org.signal:embedded-redis jar (a real, static 7.0.15), run as
# its own process so it can be killed and restarted; Debian's redis-server if that is all there is.
case "$(uname -m)" in x86_64) redis_arch=linux-amd64 ;; aarch64) redis_arch=linux-arm64 ;; *) redis_arch=none ;; esac
redis_jar="$(find "${HOME}/.m2/repository/org/signal/embedded-redis" -name 'embedded-redis-*.jar' 2>/dev/null | sort | tail -1)"
if [ -n "$redis_jar" ] && unzip -p "$redis_jar" "redis-server-7.0.15-$redis_arch" >"$work/redis-server" 2>/dev/null \
    && [ -s "$work/redis-server" ]; then
  chmod 700 "$work/redis-server"
  redis_bin="$work/redis-server"
elif command -v redis-server >/dev/null 2>&1; then
  redis_bin="$(command -v redis-server)"
else
  echo "run.sh: no redis-server: build the project once (it fetches org.signal:embedded-redis) or apt-get install redis-server" >&2
  exit 2
fi

redis_ping() {
  local fd reply=""
  exec {fd}<>"/dev/tcp/127.0.0.1/$redis_port" || return 1
  printf 'PING\r\n' >&"$fd"
  read -r -t 1 reply <&"$fd" || true
  exec {fd}>&-
  [[ "$reply" == "+PONG"* ]]
}
start_redis() {
  # --dir makes the command line name the work directory, so the leftover check finds it
  "$redis_bin" --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes \
    --appendfsync everysec --save '' --daemonize no --logfile "$work/redis.log" &
  redis_pid=$!
  for _ in $(seq 1 100); do
    redis_ping 2>/dev/null && return 0
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run.sh: redis-server did not start:" >&2; tail -5 "$work/redis.log" >&2; exit 1
}
start_redis

# ---- the fleet ------------------------------------------------------------------------------------
cd "$work" # no ./cnp-token.yaml of the caller's is picked up
unset CNP_CONFIG CNP_CREDENTIAL CNP_CREDENTIAL_FILE CNP_CREDENTIAL_DIR 2>/dev/null || true
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(CNP_CREDENTIAL_[A-Z0-9_]*\)=.*/\1/p')
export XDG_CONFIG_HOME="$work/xdg" CNP_STORE=redis CNP_REDIS_URL="redis://127.0.0.1:$redis_port" \
  CNP_BASE_URL="$gate_url" CNP_ACCOUNTS="$account_list" CNP_CONNECT_TIMEOUT=2s CNP_READ_TIMEOUT=5s CNP_CALL_TIMEOUT=7s \
  CNP_LEASE_DURATION=15s CNP_BACKOFF_CAP=15s
daemon_java=(java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "-Dcnp.chaos.run=$work")

log "seed $seed; logging in $account_list through $gate_url (redis-server 127.0.0.1:$redis_port, AOF on)"
for a in ${account_list//,/ }; do
  "${daemon_java[@]}" -jar "$app_jar" login --account "$a" --credential-file "$work/credential" \
    >>"$work/login.log" 2>&1 || { echo "run.sh: login of $a failed:" >&2; tail -5 "$work/login.log" >&2; exit 1; }
done
[ "$with_credential" = 1 ] && export CNP_CREDENTIAL_DIR="$work/credentials"

start_daemon() { # index
  "${daemon_java[@]}" -jar "$app_jar" run --listen "127.0.0.1:${dport[$1]}" >>"$work/daemon-$1.log" 2>&1 &
  dpid[$1]=$!
  drestart[$1]=0
}
alive_count() {
  local n=0 i
  for i in "${!dpid[@]}"; do [ "${dpid[$i]}" != 0 ] && n=$(( n + 1 )); done
  echo "$n"
}
kill_daemon() { # index why
  local pid="${dpid[$1]}"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  dpid[$1]=0
  rand 1 15
  drestart[$1]=$(( $(now_ms) + REPLY * 1000 ))
  note "kill -9 daemon $1 (pid $pid, $2); restart in $REPLY s"
}
# Restarts daemons whose pause is over, and any that died by themselves.
tend() {
  local i t
  t=$(now_ms)
  for i in "${!dpid[@]}"; do
    if [ "${dpid[$i]}" = 0 ]; then
      if [ "${drestart[$i]}" -le "$t" ]; then
        start_daemon "$i"; n_restart=$(( n_restart + 1 )); note "daemon $i restarted (pid ${dpid[$i]})"
      fi
    elif ! kill -0 "${dpid[$i]}" 2>/dev/null; then
      note "daemon $i (pid ${dpid[$i]}) exited by itself; see its log"
      wait "${dpid[$i]}" 2>/dev/null || true
      dpid[i]=0; drestart[i]=$(( t + 1000 ))
    fi
  done
  if ! kill -0 "$env_pid" 2>/dev/null; then echo "run.sh: the environment died:" >&2; tail -20 "$work/env.log" >&2; exit 1; fi
}
# idle MS: waits while tending the fleet (bounded: at most MS, in 200 ms steps)
idle() {
  local until=$(( $(now_ms) + $1 ))
  for _ in $(seq 1 $(( $1 / 200 + 1 ))); do
    [ "$(now_ms)" -lt "$until" ] || break
    tend
    sleep 0.2
  done
}
# await PATTERN SECONDS: the first env.out line matching PATTERN, in REPLY; tends the fleet meanwhile
await() {
  local i
  for i in $(seq 1 $(( $2 * 5 ))); do
    REPLY="$(grep -m1 -e "$1" "$work/env.out" || true)"
    [ -n "$REPLY" ] && return 0
    [ $(( i % 5 )) = 0 ] && tend
    sleep 0.2
  done
  return 1
}

for i in $(seq 0 $(( daemons - 1 ))); do start_daemon "$i"; done
echo "begin" >&3
await '^OK begin' 30 || { echo "run.sh: the environment did not begin" >&2; exit 1; }
begin_ms=$(now_ms)
end_ms=$(( begin_ms + duration * 1000 ))
quiet=$lifetime
[ $(( quiet * 3 )) -le "$duration" ] || quiet=$(( duration / 3 ))
chaos_end_ms=$(( end_ms - quiet * 1000 ))
log "$daemons daemons started; chaos for $(( duration - quiet )) s, then $quiet s quiet; credential: $([ "$with_credential" = 1 ] && echo yes || echo no)"

# ---- chaos ----------------------------------------------------------------------------------------
pick_alive() { # a random live daemon's index in REPLY, or -1
  local live=() i
  for i in "${!dpid[@]}"; do [ "${dpid[$i]}" != 0 ] && live+=("$i"); done
  if [ ${#live[@]} -eq 0 ]; then REPLY=-1; return; fi
  rand 0 $(( ${#live[@]} - 1 )); REPLY="${live[$REPLY]}"
}
event_kill() {
  [ "$(alive_count)" -ge 2 ] || return 0 # a plain kill leaves one daemon standing
  pick_alive; kill_daemon "$REPLY" "random"; n_kill=$(( n_kill + 1 ))
}
hold_seq=0
event_kill_holder() {
  hold_seq=$(( hold_seq + 1 ))
  local left=$(( (chaos_end_ms - $(now_ms)) / 1000 )) wait_s
  wait_s=$(( lifetime < left ? lifetime : left ))
  [ "$wait_s" -ge 5 ] || return 0
  echo "hold $hold_seq 3000 $(( wait_s * 1000 ))" >&3
  await "^HOLDER $hold_seq " $(( wait_s + 10 )) || { note "no answer to hold $hold_seq"; return 0; }
  local account owner pid i
  read -r _ _ account owner <<<"$REPLY"
  if [ "$account" = timeout ] || [ "$account" = none ]; then
    n_holder_miss=$(( n_holder_miss + 1 )); note "refresh hang $hold_seq: no lease holder found ($account)"; return 0
  fi
  pid="$(awk -F/ '{ print $(NF-1) }' <<<"$owner")"
  for i in "${!dpid[@]}"; do
    if [ "${dpid[$i]}" = "$pid" ]; then
      rand 1 20; sleep "$(( REPLY / 10 )).$(( REPLY % 10 ))" # kill 0.1-2 s after the hang was seen (it lasts 3 s)
      kill_daemon "$i" "holder of the lease of $account, mid-refresh"
      n_holder=$(( n_holder + 1 ))
      return 0
    fi
  done
  n_holder_miss=$(( n_holder_miss + 1 )); note "refresh hang $hold_seq: lease holder pid $pid is none of ours"
}
event_redis() {
  local pid="$redis_pid" sig=TERM down
  rand 0 1; [ "$REPLY" = 1 ] && sig=KILL
  rand 1 6; down=$REPLY
  note "redis-server SIG$sig (pid $pid), back in $down s"
  kill "-$sig" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  redis_pid=""
  n_redis=$(( n_redis + 1 )); [ "$sig" = KILL ] && n_redis_kill9=$(( n_redis_kill9 + 1 ))
  idle $(( down * 1000 ))
  start_redis
  note "redis-server restarted (pid $redis_pid), data reloaded from its AOF"
}
event_503() {
  rand 5 15; note "FortiCNP outage: 503 for $REPLY s"
  echo "outage503 $(( REPLY * 1000 ))" >&3; n_503=$(( n_503 + 1 ))
  idle $(( REPLY * 1000 + 500 ))
}
event_down() {
  rand 5 15; note "FortiCNP outage: connection refused for $REPLY s"
  echo "down $(( REPLY * 1000 ))" >&3; n_down=$(( n_down + 1 ))
  idle $(( REPLY * 1000 + 500 ))
}

max_events=$(( duration / 2 + 1 ))
for _ in $(seq 1 "$max_events"); do
  rand 3 12; idle $(( REPLY * 1000 ))
  [ "$(now_ms)" -lt "$chaos_end_ms" ] || break
  rand 1 100
  case "$only" in kill) REPLY=1 ;; holder) REPLY=40 ;; redis) REPLY=60 ;; 503) REPLY=70 ;; down) REPLY=90 ;; esac
  if   [ "$REPLY" -le 35 ]; then event_kill
  elif [ "$REPLY" -le 50 ]; then event_kill_holder
  elif [ "$REPLY" -le 65 ]; then event_redis
  elif [ "$REPLY" -le 82 ]; then event_503
  else event_down
  fi
done
note "chaos over; every daemon back, $(( (end_ms - $(now_ms)) / 1000 )) s to settle"
for i in "${!dpid[@]}"; do drestart[i]=0; done
idle $(( end_ms - $(now_ms) > 0 ? end_ms - $(now_ms) : 0 ))

# every log of the run (the fleet's, redis-server's, the environment's own): none may hold a secret
echo "stop $(printf "%s " "$work"/*.log)" >&3
await '^SUMMARY ' 60 || { echo "run.sh: no summary from the environment" >&2; exit 1; }
summary="chaos summary: $duration s, $daemons daemons, $accounts accounts, credential $([ "$with_credential" = 1 ] && echo yes || echo no), seed $seed, access tokens ${lifetime} s | ${REPLY#SUMMARY } | chaos: $n_kill random kills -9, $n_holder kills of a lease holder mid-refresh ($n_holder_miss hangs without a holder of ours), $n_restart daemon restarts, $n_redis redis-server restarts ($n_redis_kill9 by SIGKILL), $n_503 FortiCNP 503 outages, $n_down connection outages"
