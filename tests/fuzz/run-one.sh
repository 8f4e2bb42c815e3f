#!/bin/bash
# tests/fuzz/run-one.sh BIN SECONDS: runs one libFuzzer target from its seed corpus
# (tests/fuzz/corpus/NAME) plus a working corpus beside the binary, for SECONDS, and says
# in TAP whether it found anything.  A finding leaves its input in findings-NAME/ beside
# the binary: add it to the seed corpus as regress-* together with the fix.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
secs=$2
name=$(basename "$bin"); name=${name#fuzz_}
dir=$(dirname "$bin")
seeds=$(cd "$(dirname "$0")" && pwd)/corpus/$name
mkdir -p "$dir/corpus-$name" "$dir/findings-$name"
log=$dir/log-$name
if (cd "$dir/findings-$name" && "$bin" -max_total_time="$secs" -rss_limit_mb=1024 \
      -print_final_stats=1 "$dir/corpus-$name" "$seeds") >"$log" 2>&1; then
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "ok 1 - fuzz_$name: ${secs} s, ${runs:-?} inputs, no finding"
else
  echo "not ok 1 - fuzz_$name found a problem (log: $log, input in $dir/findings-$name)"
  tail -30 "$log" | sed 's/^/#   /'
fi
echo "1..1"
