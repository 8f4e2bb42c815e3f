#!/bin/sh
# embed.sh SYMBOL FILE: prints a C file defining `const char SYMBOL[]` with FILE's bytes.
set -eu
sym=$1; file=$2
printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$file"
printf 'extern const char %s[];\nconst char %s[] = {\n' "$sym" "$sym"
od -An -v -tx1 "$file" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/ /'
printf ' 0x00\n};\n'
