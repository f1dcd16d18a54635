# Sourced, not run: timing helpers of the client benchmarks (bench/client_add.sh,
# bench/client_add_ab.sh).

# timed COMMAND...: runs it; prints "wall_ms cpu_ms", both from bash's `time` around the command
# alone (wall: from the fork to the exit, what `time wreg ...` shows a user; cpu: user + system,
# which is steadier than wall time on a busy machine). An earlier version took the wall time from
# `date +%s%N` before and after a command substitution, which also counted two `date` processes
# and a subshell: 8-9 ms more per run on this machine (bench/README.md).
timed() {
  local TIMEFORMAT='%3R %3U %3S' times
  times=$( { time "$@" >/dev/null 2>&1; } 2>&1)
  awk -v t="$times" 'BEGIN { split(t, p, " ");
    printf "%.1f %.1f\n", p[1] * 1000, (p[2] + p[3]) * 1000 }'
}

# median: the median of the numbers on standard input, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
