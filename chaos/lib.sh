# Sourced by chaos/drill: starting and stopping the load, finding recorded processes,
# waiting (always bounded), and the clean-up that runs however the drill ends.
# shellcheck shell=bash

DRILLS=(kill-primary lose-site-a partition-primary kill-standby switchover kill-coordinator)

say() { echo "chaos: $*" >&2; }

usage_error() {
    echo "chaos/drill: $*" >&2
    echo "usage: chaos/drill NAME [--state DIR]   (NAME: ${DRILLS[*]})" >&2
    exit 2
}

# A failure of the drill's own machinery (not an invariant): exit 3, with the reason.
fail_setup() {
    say "cannot run the drill: $*"
    exit 3
}

now_ms() { date +%s%3N; }

# The folder of portalctl and chaos-load: CHAOS_BIN, else the release build when complete,
# else the debug build.
choose_bin() {
    if [ -n "${CHAOS_BIN:-}" ]; then
        echo "$CHAOS_BIN"
        return
    fi
    local folder
    for folder in "$ROOT/.build/release" "$ROOT/.build/debug"; do
        if [ -x "$folder/portalctl" ] && [ -x "$folder/chaos-load" ] &&
            [ -x "$folder/portal-api" ]; then
            echo "$folder"
            return
        fi
    done
    fail_setup "portalctl and chaos-load are not built (swift build --product chaos-load ...)"
}

# A base port whose block of 40 ports nothing listens on, chosen at random below the
# kernel's ephemeral range (32768 up, where outgoing connections take their ports) so drills
# that run side by side rarely meet; portalctl up refuses a taken port anyway.
free_base_port() {
    local listening base port taken attempt
    listening=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
    for attempt in $(seq 1 50); do
        base=$((20000 + (RANDOM % 300) * 40))
        taken=no
        for port in $(seq "$base" $((base + 39))); do
            if grep -qx "$port" <<<"$listening"; then
                taken=yes
                break
            fi
        done
        if [ "$taken" = no ]; then
            echo "$base"
            return
        fi
        say "ports from $base are taken (try $attempt)"
    done
    fail_setup "no free block of 40 ports found"
}

# The pid recorded as NAME in the state folder, printed only while that process still
# runs and started when recorded (so a reused pid is never signalled).
recorded_pid() {
    local file=$STATE/pids/$1.json pid ticks
    [ -f "$file" ] || return 1
    pid=$(jq -r .pid "$file")
    ticks=$(jq -r .startTicks "$file")
    [ "$(start_ticks "$pid")" = "$ticks" ] || return 1
    echo "$pid"
}

# Field 22 of /proc/PID/stat (the start time), read after the command name.
start_ticks() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    awk '{print $20}' <<<"$stat"
}

# The postmaster pid of SITE (site-a, site-b) from its data folder's postmaster.pid, only
# when that pid runs postgres on that data folder.
postmaster_pid() {
    local data=$STATE/$1/postgres pid
    [ -f "$data/postmaster.pid" ] || return 1
    pid=$(head -n 1 "$data/postmaster.pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$data" || return 1
    echo "$pid"
}

# The first recorded pid among the names given (the agent's and the coordinator's record
# names are the topology's choice).
first_recorded_pid() {
    local name
    for name in "$@"; do
        if recorded_pid "$name"; then
            return 0
        fi
    done
    return 1
}

agent_pid() {
    first_recorded_pid "agent-$1" "portal-agent-$1" "$1-agent" "agent-site-$1" \
        "site-$1-agent"
}

coordinator_pid() {
    first_recorded_pid coordinator portal-coordinator
}

# The coordinator's HTTP port, from ports.json or its configuration file, when it has one.
coordinator_port() {
    local port file
    port=$(jq -r '[to_entries[] | select(.key | test("coordinator"; "i")) | .value]
        | map(select(type == "number")) | first // empty' "$STATE/ports.json" 2>/dev/null)
    if [ -n "$port" ]; then
        echo "$port"
        return
    fi
    for file in "$STATE/failover/coordinator.json" "$STATE"/coordinator*.json; do
        [ -f "$file" ] || continue
        port=$(jq -r '.listen.port // empty' "$file" 2>/dev/null)
        if [ -n "$port" ]; then
            echo "$port"
            return
        fi
    done
    return 1
}

# The HTTP port of site $1's agent (a or b), from its configuration file.
agent_port() {
    local port
    port=$(jq -r '.listen.port // empty' "$STATE/failover/agent-$1.json" 2>/dev/null)
    [ -n "$port" ] || return 1
    echo "$port"
}

# GET /v1/status of the coordinator into FILE (empty when there is none or it is down).
save_coordinator_status() {
    local port
    : >"$1"
    port=$(coordinator_port) || return 0
    curl -sf --max-time 2 "http://127.0.0.1:$port/v1/status" >"$1" 2>/dev/null || : >"$1"
}

# The load, in the background, for at most the whole drill's length; stopped by SIGTERM.
start_load() {
    local duration=$((STEADY_S + RECOVERY_S * 2 + 60))
    say "starting the load: $RATE referrals/s through 127.0.0.1:$FRONT"
    "$BIN/chaos-load" run --port "$FRONT" --mail-log "$STATE/logs/mail.log" \
        --password demo-password-2026 --rate "$RATE" --duration "$duration" --drain 5 \
        --record "$WORK/load.json" --progress "$WORK/progress.json" \
        --watch-ports "$PG_A,$PG_B" >"$WORK/load.log" 2>&1 &
    LOAD_PID=$!
}

# A field of the load's progress file (0 before the first write).
progress() {
    jq -r ".$1 // 0" "$WORK/progress.json" 2>/dev/null || echo 0
}

# Waits until the load is signed in and acknowledging, then STEADY_S seconds more, and
# checks that acknowledgements still flow.
wait_steady() {
    local deadline=$((SECONDS + 60)) before
    until [ "$(progress acknowledged)" -gt 0 ]; do
        if [ $SECONDS -ge $deadline ] || ! kill -0 "$LOAD_PID" 2>/dev/null; then
            tail -n 20 "$WORK/load.log" >&2
            fail_setup "the load acknowledged nothing within 60 s"
        fi
        sleep 0.2
    done
    sleep "$STEADY_S"
    before=$(progress acknowledged)
    sleep 1
    [ "$(progress acknowledged)" -gt "$before" ] ||
        fail_setup "no steady state: no referral acknowledged in the last second"
    say "steady state: $(progress acknowledged) referrals acknowledged"
}

# Waits (up to RECOVERY_S) until an attempt started after the fault was acknowledged.
wait_recovered() {
    local deadline=$((SECONDS + RECOVERY_S))
    while [ $SECONDS -lt $deadline ]; do
        if [ "$(progress lastAcknowledgedAttemptAt)" -ge "$FAULT_AT" ]; then
            say "writes acknowledged again," \
                "$(($(progress lastAcknowledgedAt) - FAULT_AT)) ms after the fault"
            return 0
        fi
        sleep 0.1
    done
    say "no write acknowledged within $RECOVERY_S s of the fault"
    return 1
}

# Waits (up to SECONDS_ARG) until PORT's PostgreSQL has a synchronous standby.
wait_synchronous() {
    local port=$1 limit=$2 deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        if [ "$(psql_value "$port" "SELECT count(*) FROM pg_stat_replication
            WHERE sync_state = 'sync'")" = 1 ]; then
            say "127.0.0.1:$port has a synchronous standby again"
            return 0
        fi
        sleep 0.5
    done
    say "127.0.0.1:$port has no synchronous standby after $limit s"
    return 1
}

psql_value() {
    PGCONNECT_TIMEOUT=2 psql -X -At -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2" \
        2>/dev/null || true
}

# Ends the load (SIGTERM: it stops scheduling, retries what is outstanding for its drain
# time and writes its record), waiting at most 30 s before SIGKILL.
stop_load() {
    [ -n "$LOAD_PID" ] || return 0
    if kill -0 "$LOAD_PID" 2>/dev/null; then
        kill -TERM "$LOAD_PID" 2>/dev/null || true
        local deadline=$((SECONDS + 30))
        while kill -0 "$LOAD_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
            sleep 0.2
        done
        if kill -0 "$LOAD_PID" 2>/dev/null; then
            say "the load did not end within 30 s; killing pid $LOAD_PID"
            kill -KILL "$LOAD_PID" 2>/dev/null || true
        fi
    fi
    wait "$LOAD_PID" 2>/dev/null || say "the load ended with status $?; see its log below"
    LOAD_PID=""
    if [ ! -s "$WORK/load.json" ]; then
        tail -n 20 "$WORK/load.log" >&2
        fail_setup "the load wrote no record"
    fi
}

# What the drill adds to the report: its own observations, as a JSON object.
drill_notes() {
    jq -cn --arg drill "$NAME" --arg base "$BASE" --arg events "${EVENTS:-}" \
        '{drill: $drill, basePort: ($base | tonumber),
          events: ($events | split("\n") | map(select(length > 0)))}'
}

# Appends a line to the drill's event list (shown in the report).
event() {
    EVENTS="${EVENTS:-}$(now_ms) $*"$'\n'
    say "$*"
}

# A failed drill's evidence (the load's record, the report, every process's log) copied
# into a new folder under $CHAOS_ARTIFACTS (default /tmp) before the temporary folder goes.
keep_failure_artifacts() {
    local folder
    folder=$(mktemp -d "${CHAOS_ARTIFACTS:-/tmp}/chaos-failed-$NAME.XXXXXX") || return 0
    cp "$WORK"/*.json "$WORK"/*.txt "$WORK"/*.log "$folder/" 2>/dev/null
    if [ -d "$STATE/logs" ]; then
        cp -r "$STATE/logs" "$folder/logs"
    fi
    say "the failed drill's record and logs are in $folder"
}

# Runs however the drill ends: the load stopped, the partition healed, the topology down
# by recorded pid, the temporary folder removed; then the report, so that its summary is
# the last line.
cleanup() {
    local status=$?
    set +e
    stop_load >/dev/null 2>&1
    if [ "$PARTITIONED" = yes ]; then
        heal_partition
    fi
    if [ -f "$STATE/ports.json" ]; then
        say "stopping the topology (portalctl down)"
        timeout 180 "$BIN/portalctl" down --state "$STATE" >"$WORK/down.log" 2>&1 ||
            { say "portalctl down failed:"; tail -n 20 "$WORK/down.log" >&2; }
    fi
    if [ "$PARTITIONED" = yes ]; then
        heal_partition
    fi
    if [ "$status" -ne 0 ] && [ -d "$WORK" ]; then
        keep_failure_artifacts
    fi
    if [ "${CHAOS_KEEP:-no}" = yes ]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
        if [ "$KEEP_STATE" = yes ]; then
            say "kept the state folder $STATE"
        fi
    fi
    if [ -n "${FINAL_REPORT:-}" ]; then
        echo "$FINAL_REPORT"
    fi
    exit "$status"
}

# shellcheck source=chaos/faults.sh
source "$ROOT/chaos/faults.sh"
