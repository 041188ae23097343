#!/usr/bin/env bash
# Three dqlite nodes on this machine for LeadDB (docs/cluster.md): Debian's dqlite-demo (package
# go-dqlite), each node with its own data folder.
#
#   scripts/cluster.sh start [DIR]    start nodes on 127.0.0.1:9001, :9002, :9003 (data in DIR, default ./cluster-data)
#   scripts/cluster.sh status [DIR]   the nodes and their roles, as the cluster sees them
#   scripts/cluster.sh stop [DIR]     stop the nodes (SIGTERM: a leader hands over its office first)
#
# Then: leads --cluster 127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003
# (LEADS_CLUSTER_HOST and LEADS_CLUSTER_PORT change the host and the first port.)
set -euo pipefail

command=${1:-}
dir=${2:-./cluster-data}
host=${LEADS_CLUSTER_HOST:-127.0.0.1}
port=${LEADS_CLUSTER_PORT:-9001}
addresses=("$host:$port" "$host:$((port + 1))" "$host:$((port + 2))")

case "$command" in
start)
    command -v dqlite-demo >/dev/null || { echo "cluster.sh: dqlite-demo is missing: apt-get install go-dqlite" >&2; exit 1; }
    mkdir -p "$dir"
    for i in 0 1 2; do
        if [ -f "$dir/n$((i + 1)).pid" ] && kill -0 "$(cat "$dir/n$((i + 1)).pid")" 2>/dev/null; then
            echo "cluster.sh: node ${addresses[$i]} already runs (pid $(cat "$dir/n$((i + 1)).pid"))" >&2
            continue
        fi
        mkdir -p "$dir/n$((i + 1))"
        join=()
        # (a new node joins the first; a node with data of its own rejoins by itself)
        if [ "$i" -gt 0 ] && [ -z "$(ls -A "$dir/n$((i + 1))")" ]; then join=(--join "${addresses[0]}"); fi
        # (-a is the demo's own HTTP API, which LeadDB does not use: 1000 ports below)
        nohup dqlite-demo -d "${addresses[$i]}" -a "$host:$((port + i - 1000))" -D "$dir/n$((i + 1))" "${join[@]}" \
            >"$dir/n$((i + 1)).log" 2>&1 &
        echo $! >"$dir/n$((i + 1)).pid"
        # (the first node must run before the others join it)
        if [ "$i" -eq 0 ]; then sleep 1; fi
    done
    # (three voters in the configuration, and all three processes alive; asked through the database the
    # client keeps its names in, so this makes no database of its own; a node that does not answer is
    # given up on after 5 s)
    for _ in $(seq 50); do
        alive=0
        for i in 1 2 3; do kill -0 "$(cat "$dir/n$i.pid")" 2>/dev/null && alive=$((alive + 1)); done
        if [ "$alive" -eq 3 ] && timeout 5 dqlite -s "${addresses[0]}" leaddb-names .cluster 2>/dev/null | grep -c voter | grep -q 3; then
            echo "three voters: leads --cluster $(IFS=,; echo "${addresses[*]}")"
            exit 0
        fi
        sleep 0.2
    done
    echo "cluster.sh: the nodes started but are not three voters yet; see $dir/n*.log" >&2
    exit 1
    ;;
status)
    for i in 1 2 3; do
        if kill -0 "$(cat "$dir/n$i.pid" 2>/dev/null)" 2>/dev/null; then echo "${addresses[$((i - 1))]}: running"; else echo "${addresses[$((i - 1))]}: not running"; fi
    done
    timeout 5 dqlite -s "$(IFS=,; echo "${addresses[*]}")" leaddb-names .cluster || echo "cluster.sh: no leader answered in 5 s" >&2
    ;;
stop)
    for pidfile in "$dir"/n*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$pidfile"
    done
    echo "stopped; the data stays in $dir"
    ;;
*)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
