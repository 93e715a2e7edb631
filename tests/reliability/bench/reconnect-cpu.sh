#!/bin/sh
# Alternating rounds of reconnect-cpu.mjs: reconnect-cpu.sh <rounds> <loops> <windowMs> <mode>...
# (from tests/reliability/bench; SCHED=test or WARM=<ms> pass through). Each line starts with the load.
rounds=$1 loops=$2 window=$3
shift 3
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
for round in $(seq "$rounds"); do
  for mode in "$@"; do
    echo "round $round load $(cut -d' ' -f1 /proc/loadavg) $(node reconnect-cpu.mjs "$mode" "$loops" "$window" "$port")"
  done
done
