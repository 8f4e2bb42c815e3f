# The examples in the README and the man pages work as printed.
source "$(dirname "$0")/../lib/common.sh"
cd "$T_ROOT" || exit 1

# Scenario example of warroom(5): the block between ".SS Example" ".nf" and ".fi".
sed -n '/^\.SS Example/,/^\.fi/p' man/warroom.5 | sed '1,2d;$d' >"$T_TMP/man-example.yaml"
# Scenario example of the README: the first yaml block under "Scenario files".
sed -n '/^### Scenario files/,/^## /p' README.md | sed -n '/^```yaml/,/^```/p' | sed '1d;$d' \
  >"$T_TMP/readme-example.yaml"
for ex in man-example readme-example; do
  if [ -s "$T_TMP/$ex.yaml" ] && sim_start --scenario "$T_TMP/$ex.yaml"; then
    t_ok "$ex scenario starts the simulator"
    pods=$(kc get pods -n shop --no-headers 2>&1)
    t_contains "$ex scenario has its frontend pods" "frontend-" "$pods"
    sim_stop
  else
    t_fail "$ex scenario starts the simulator" "$(cat "$T_TMP/$ex.yaml")"
  fi
done

# Keymap example of warroom(5) parses with the real parser.
sed -n '/^\.SH KEYMAP FILES/,/^\.SH /p' man/warroom.5 | sed -n '/^\.nf/,/^\.fi/p' | sed '1d;$d' \
  >"$T_TMP/example.keymap"
sim_start
out=$("$BUILD/warroom" --server "$SIM_URL" --keymap "$T_TMP/example.keymap" --batch --panel nodes 2>&1)
t_match "man page keymap example is accepted" "ip-172-20-" "$out"
printf 'bind x scal\n' >"$T_TMP/bad.keymap"
out=$("$BUILD/warroom" --server "$SIM_URL" --keymap "$T_TMP/bad.keymap" --batch 2>&1)
t_contains "a bad keymap names file and line" "bad.keymap:1:" "$out"

# The curl fault example of the README is accepted by the simulator.
cmd=$(grep -A1 "^curl -X POST -d '{\"type\":\"crashloop\"" README.md | tr -d '\\\n' | sed "s#http://127.0.0.1:PORT#$SIM_URL#")
out=$(eval "$cmd -sS --fail-with-body" 2>&1)
t_contains "README fault example is accepted" '"ok"' "$out"
t_done
