# `make install` puts both programs and both man pages under DESTDIR/PREFIX, and the
# man pages are well-formed roff.
source "$(dirname "$0")/../lib/common.sh"
cd "$T_ROOT" || exit 1

dest=$T_TMP/dest
if out=$(make -s install BUILD="$BUILD" PREFIX=/opt/wr DESTDIR="$dest" 2>&1); then
  t_ok "make install succeeds"
else
  t_fail "make install succeeds" "$out"
fi
for f in bin/warroom bin/warroom-sim share/man/man1/warroom.1 share/man/man5/warroom.5 \
         share/bash-completion/completions/warroom; do
  t_check "installed $f" test -s "$dest/opt/wr/$f"
done
t_check "installed warroom runs" "$dest/opt/wr/bin/warroom" --version
t_check "installed warroom-sim runs" "$dest/opt/wr/bin/warroom-sim" --help

for page in man/warroom.1 man/warroom.5; do
  warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  t_eq "$page renders without warnings" "" "$warn"
done

# groff's own lint (every warning class) is clean too.
for page in man/warroom.1 man/warroom.5; do
  warn=$(groff -ww -mandoc -z "$page" 2>&1)
  t_eq "$page: groff -ww -mandoc -z is clean" "" "$warn"
done
if command -v mandoc >/dev/null; then
  for page in man/warroom.1 man/warroom.5; do
    warn=$(mandoc -T lint -W warning "$page" 2>&1)
    t_eq "$page: mandoc -T lint is clean" "" "$warn"
  done
fi

# The default keys in warroom(1) are exactly keymaps/default.keymap's (the table between
# the keys-table markers is what keymaps/keys-table.awk makes of it).
want=$(awk -f keymaps/keys-table.awk keymaps/default.keymap)
have=$(sed -n '/^\.\\" keys-table begin/,/^\.\\" keys-table end/p' man/warroom.1 | sed '1d;$d')
t_check "man page has a keys table" test -n "$have"
t_eq "man page default keys match keymaps/default.keymap" "$want" "$have"
# ... and the checker can fail: a key the page does not list is caught.
drift=$(printf 'bind x zoom\n' | cat keymaps/default.keymap - | awk -f keymaps/keys-table.awk)
if [ "$drift" != "$have" ]; then t_ok "a keymap change is detected"; else t_fail "a keymap change is detected"; fi

# The man page documents every command of the command table (core/commands.h).
cmds=$(sed -n 's/^[[:space:]]*X([A-Z_]*, "\([a-z-]*\)".*/\1/p' core/commands.h)
t_check "command table is readable" test -n "$cmds"
section=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' man/warroom.1 | sed 's/\\-/-/g')
missing=""
for c in $cmds; do grep -qE "(^|[ \"])$c([ \",]|$)" <<<"$section" || missing="$missing $c"; done
t_eq "man page COMMANDS lists every command" "" "$missing"

# The README promises exactly two set-up commands.
setup=$(sed -n '/^## Set up/,/^## /p' README.md | grep -E '^make ' | awk '{print $1" "$2}' | tr '\n' ' ')
t_eq "README set-up commands are make demo and make check" "make demo make check " "$setup"
t_done
