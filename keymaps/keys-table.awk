# keymaps/keys-table.awk: the default key table of warroom(1), from a keymap file.
# One row per command (per context), in the order of first appearance:
#     COMMAND [(CONTEXT)]   KEY, KEY...
# man/warroom.1 carries this table between ".\" keys-table begin/end"; the
# build_install test regenerates it and fails on any difference, so the page can never
# drift from keymaps/default.keymap.  Hyphens are written \- for groff.
BEGIN {
	split("global pods nodes workloads events hosts matrix logs describe", cl, " ")
	for (i in cl)
		isctx[cl[i]] = 1
	name_width = 23
}
$1 == "bind" {
	if (isctx[$2]) { ctx = $2; key = $3; cmd = $4 } else { ctx = "global"; key = $2; cmd = $3 }
	row = ctx == "global" ? cmd : cmd " (" ctx ")"
	if (!(row in keys)) { order[++n] = row; keys[row] = key }
	else keys[row] = keys[row] ", " key
}
END {
	for (i = 1; i <= n; i++) {
		name = order[i]
		pad = ""
		while (length(pad) < name_width - length(name))
			pad = pad " "
		k = keys[name]
		gsub(/-/, "\\-", name)
		gsub(/-/, "\\-", k)
		print name pad k
	}
}
