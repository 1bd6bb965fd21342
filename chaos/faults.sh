# Sourced by chaos/lib.sh: one function per drill (inject the fault, wait for recovery,
# set what the check expects), and the network partition of site A.
# shellcheck shell=bash

# kill -9 of site A's postmaster. The agent may restart it in place or the coordinator
# may fail over to site B: either is recovery, whichever the design makes safe.
drill_kill_primary() {
    local pid
    pid=$(postmaster_pid site-a) || fail_setup "site A's postmaster is not running"
    FAULT_AT=$(now_ms)
    kill -9 "$pid"
    FAULT_END=$FAULT_AT
    event "kill -9 of site A's postmaster (pid $pid)"
    wait_recovered || true
    settle_then_wait_synchronous
}

# Site A lost at once: its postmaster, its agent and both of its API nodes, kill -9.
drill_lose_site_a() {
    local pids=() pid name what=postmaster
    pid=$(postmaster_pid site-a) || fail_setup "site A's postmaster is not running"
    pids+=("$pid")
    if pid=$(agent_pid a); then
        pids+=("$pid")
        what+=", agent"
    else
        event "no agent recorded at site A (the topology starts none): killed the rest"
    fi
    for name in api-a1 api-a2; do
        pid=$(recorded_pid "$name") || fail_setup "$name is not running"
        pids+=("$pid")
        what+=", $name"
    done
    FAULT_AT=$(now_ms)
    kill -9 "${pids[@]}"
    FAULT_END=$FAULT_AT
    event "kill -9 of site A: pids ${pids[*]} ($what)"
    EXPECT_PRIMARY=$PG_B
    wait_recovered || true
}

# kill -9 of site B's postmaster: after the degrade grace writes go on without it; it must
# come back, rejoin and be synchronous again (checked).
drill_kill_standby() {
    local pid
    pid=$(postmaster_pid site-b) || fail_setup "site B's postmaster is not running"
    FAULT_AT=$(now_ms)
    kill -9 "$pid"
    FAULT_END=$FAULT_AT
    event "kill -9 of site B's postmaster (pid $pid)"
    EXPECT_PRIMARY=$PG_A
    EXPECT_SYNC=yes
    if wait_recovered; then
        wait_synchronous "$PG_A" "$RECOVERY_S" || true
    fi
    sleep 2
}

# portalctl switchover: the recovery time is how long writes were blocked.
drill_switchover() {
    MODE=blocked
    EXPECT_PRIMARY=$PG_B
    FAULT_AT=$(now_ms)
    if timeout 60 "$BIN/portalctl" switchover --state "$STATE" >"$WORK/switchover.log" 2>&1; then
        FAULT_END=$(now_ms)
        event "portalctl switchover done in $((FAULT_END - FAULT_AT)) ms:" \
            "$(tail -n 1 "$WORK/switchover.log")"
    else
        FAULT_END=$(now_ms)
        FAULT_ERROR="portalctl switchover failed: $(tail -n 3 "$WORK/switchover.log" | tr '\n' ' ')"
        event "$FAULT_ERROR"
    fi
    wait_recovered || true
    settle_then_wait_synchronous
}

# kill -9 of the coordinator: clients must see nothing; a coordinator restarted by
# portalctl up must resume with the same term and primary.
drill_kill_coordinator() {
    local pid port before after
    EXPECT_PRIMARY=$PG_A
    EXPECT_NO_FAILURES=yes
    if ! pid=$(coordinator_pid) || ! port=$(coordinator_port); then
        FAULT_AT=$(now_ms)
        FAULT_ERROR="no coordinator recorded in the state folder (the topology starts none)"
        event "$FAULT_ERROR"
        wait_recovered || true
        return
    fi
    before=$(curl -sf --max-time 2 "http://127.0.0.1:$port/v1/status" | jq -c '{term, primary}')
    FAULT_AT=$(now_ms)
    kill -9 "$pid"
    FAULT_END=$FAULT_AT
    event "kill -9 of the coordinator (pid $pid); it was $before"
    wait_recovered || true
    # The pair runs on without it for a while: at least two lease lengths.
    sleep 5
    event "restarting the coordinator with portalctl up"
    timeout 300 "$BIN/portalctl" up --state "$STATE" --source "$ROOT" >"$WORK/restart.log" 2>&1 ||
        event "portalctl up failed: $(tail -n 3 "$WORK/restart.log" | tr '\n' ' ')"
    local deadline=$((SECONDS + 30))
    after=""
    while [ $SECONDS -lt $deadline ]; do
        after=$(curl -sf --max-time 2 "http://127.0.0.1:$port/v1/status" |
            jq -c '{term, primary}' 2>/dev/null) && [ -n "$after" ] && break
        sleep 0.5
    done
    event "the restarted coordinator says ${after:-nothing}"
    if [ -n "$after" ] && [ "$after" = "$before" ]; then
        DRILL_INVARIANTS="coordinator resumed with the same term and primary=yes"
    else
        DRILL_INVARIANTS="coordinator resumed with the same term and primary=no"
    fi
    sleep 3
}

# Site A (its PostgreSQL, agent, API nodes and shipper) cut off from the coordinator and
# site B, while HAProxy and the drill's own load and watcher still reach it. Packets are
# dropped, not refused: nftables rules on loopback matching each socket's cgroup (site A's
# processes in one cgroup v2, the coordinator's and site B's in another), plus the
# connections already established between the two sides by their exact ports.
drill_partition_primary() {
    EXPECT_PRIMARY=$PG_B
    partition_site_a
    wait_recovered || true
    # The old primary must have fenced itself; the drill keeps the cut a little longer.
    sleep 3
    heal_partition
    event "partition healed"
    wait_synchronous "$PG_B" 30 || true
}

# Moves each process of PIDS (and its descendants) into cgroup FOLDER.
enter_cgroup() {
    local folder=$1 pid child
    shift
    for pid in "$@"; do
        echo "$pid" >"$folder/cgroup.procs" 2>/dev/null || continue
        for child in $(pgrep -P "$pid" 2>/dev/null); do
            enter_cgroup "$folder" "$child"
        done
    done
}

# The cgroup v2 hierarchy: /sys/fs/cgroup itself on a pure v2 host, /sys/fs/cgroup/unified
# on a hybrid one (as here); nft names a cgroup by its path under /sys/fs/cgroup.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    CGROUP_ROOT=/sys/fs/cgroup
    NFT_CGROUP_PREFIX=""
else
    CGROUP_ROOT=/sys/fs/cgroup/unified
    NFT_CGROUP_PREFIX="unified/"
fi
partition_site_a() {
    command -v nft >/dev/null || fail_setup "nft is not installed (Debian package nftables)"
    [ -w "$CGROUP_ROOT/cgroup.procs" ] || fail_setup "no writable cgroup v2 at $CGROUP_ROOT"
    local site_a=() others=() pid name coordinator
    local a_ports=("$PG_A" $((BASE + 3)) $((BASE + 4)))
    local other_ports=("$PG_B" $((BASE + 5)) $((BASE + 6)))
    pid=$(postmaster_pid site-a) && site_a+=("$pid")
    pid=$(agent_pid a) && site_a+=("$pid")
    for name in api-a1 api-a2 replicator-ship; do
        pid=$(recorded_pid "$name") && site_a+=("$pid")
    done
    pid=$(postmaster_pid site-b) && others+=("$pid")
    pid=$(agent_pid b) && others+=("$pid")
    pid=$(coordinator_pid) && others+=("$pid")
    for name in api-b1 replicator-receive; do
        pid=$(recorded_pid "$name") && others+=("$pid")
    done
    if coordinator=$(coordinator_port); then other_ports+=("$coordinator"); fi
    if pid=$(agent_port a); then a_ports+=("$pid"); fi
    if pid=$(agent_port b); then other_ports+=("$pid"); fi
    PARTITION_ID=chaos-$$
    mkdir -p "$CGROUP_ROOT/$PARTITION_ID-a" "$CGROUP_ROOT/$PARTITION_ID-b"
    enter_cgroup "$CGROUP_ROOT/$PARTITION_ID-a" "${site_a[@]}"
    enter_cgroup "$CGROUP_ROOT/$PARTITION_ID-b" "${others[@]}"
    PARTITIONED=yes

    local rules set_a set_b established
    local cgroup_a=$NFT_CGROUP_PREFIX$PARTITION_ID-a cgroup_b=$NFT_CGROUP_PREFIX$PARTITION_ID-b
    set_a=$(IFS=,; echo "${a_ports[*]}")
    set_b=$(IFS=,; echo "${other_ports[*]}")
    established=$(established_between "$PARTITION_ID")
    rules="table inet $PARTITION_ID {
        chain out {
            type filter hook output priority 0; policy accept;
            socket cgroupv2 level 1 \"$cgroup_a\" tcp dport { $set_b } drop
            socket cgroupv2 level 1 \"$cgroup_b\" tcp dport { $set_a } drop
$established
        }
    }"
    FAULT_AT=$(now_ms)
    nft -f - <<<"$rules" || fail_setup "nft refused the partition rules"
    FAULT_END=$FAULT_AT
    event "site A partitioned: pids ${site_a[*]} cut from ${others[*]} (ports $set_a | $set_b;" \
        "$(($(grep -c drop <<<"$established") / 2)) established connections cut)"
}

# nft rules dropping, both ways, every established TCP connection between a process of
# cgroup ID-a and one of ID-b (sockets made before the move keep their first cgroup).
established_between() {
    local id=$1 line local_port peer_port pid side
    declare -A owner=()
    while read -r line; do
        local_port=$(awk '{print $3}' <<<"$line" | sed 's/.*://')
        pid=$(grep -o 'pid=[0-9]*' <<<"$line" | head -n 1 | cut -d= -f2)
        [ -n "$pid" ] || continue
        side=""
        grep -qx "0::/$id-a" "/proc/$pid/cgroup" 2>/dev/null && side=a
        grep -qx "0::/$id-b" "/proc/$pid/cgroup" 2>/dev/null && side=b
        [ -n "$side" ] && owner[$local_port]=$side
    done < <(ss -Htnp state established 2>/dev/null)
    while read -r line; do
        local_port=$(awk '{print $3}' <<<"$line" | sed 's/.*://')
        peer_port=$(awk '{print $4}' <<<"$line" | sed 's/.*://')
        if [ "${owner[$local_port]:-}" = a ] && [ "${owner[$peer_port]:-}" = b ]; then
            echo "            tcp sport $local_port tcp dport $peer_port drop"
            echo "            tcp sport $peer_port tcp dport $local_port drop"
        fi
    done < <(ss -Htn state established 2>/dev/null)
}

# Drops the rules and moves every process back to the root cgroup; processes forked
# meanwhile (new backends) are in the cgroup too, so it repeats until the cgroups are empty
# (bounded); cleanup calls it again after portalctl down for whatever was left.
heal_partition() {
    local folder pid attempt
    nft delete table inet "$PARTITION_ID" 2>/dev/null || true
    for folder in "$CGROUP_ROOT/$PARTITION_ID-a" "$CGROUP_ROOT/$PARTITION_ID-b"; do
        for attempt in $(seq 1 50); do
            [ -d "$folder" ] || break
            while read -r pid; do
                echo "$pid" >"$CGROUP_ROOT/cgroup.procs" 2>/dev/null || true
            done <"$folder/cgroup.procs"
            rmdir "$folder" 2>/dev/null && break
            sleep 0.1
        done
        [ ! -d "$folder" ] || say "cannot remove $folder yet ($attempt tries)"
    done
    if [ ! -d "$CGROUP_ROOT/$PARTITION_ID-a" ] && [ ! -d "$CGROUP_ROOT/$PARTITION_ID-b" ]; then
        PARTITIONED=no
    fi
}

# After recovery: a few seconds of load on the recovered system, then (bounded) time for
# the pair to become synchronous again, which the report shows.
settle_then_wait_synchronous() {
    sleep 3
    local primary=$PG_A
    if [ "$(psql_value "$PG_B" "SELECT pg_is_in_recovery()")" = f ]; then
        primary=$PG_B
    fi
    wait_synchronous "$primary" 20 || true
}
