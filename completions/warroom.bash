# bash completion for warroom(1).  Installed by `make install` into
# $(PREFIX)/share/bash-completion/completions/warroom; or: source completions/warroom.bash
#
# Completes options (read from `warroom --help`, so never out of date), commands for
# -c/--command and `run` (from `warroom run help`, which needs no cluster), contexts (from
# the kubeconfig files, as kubectl merges them), namespaces (kubectl when installed, plus
# the namespaces named in kubeconfig contexts), panels, and files where a FILE is expected.

# Kubeconfig files, in kubectl's order: --kubeconfig on the line, else $KUBECONFIG, else
# ~/.kube/config.
_warroom_kubeconfigs()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --kubeconfig ]]; then
			printf '%s\n' "${COMP_WORDS[i + 1]/#\~/$HOME}"
			return
		fi
	done
	if [[ -n ${KUBECONFIG-} ]]; then
		tr ':' '\n' <<<"$KUBECONFIG"
	else
		printf '%s\n' "$HOME/.kube/config"
	fi
}

# Context names, or with $1 = namespace the namespaces of contexts: the `name:` (or
# `namespace:`) of each entry under the top-level `contexts:` list.
_warroom_kube_field()
{
	local f
	while IFS= read -r f; do
		[[ -r $f ]] || continue
		awk -v want="$1" '
			/^[^ #-]/ { insec = ($0 ~ /^contexts:/) ; next }
			insec && want == "name" && /^(- |  )name:/ { sub(/^[- ]*name:[ ]*/, ""); gsub(/"|\047/, ""); print }
			insec && want == "namespace" && /^[ -]+namespace:/ { sub(/^[- ]*namespace:[ ]*/, ""); gsub(/"|\047/, ""); print }
		' "$f" 2>/dev/null
	done < <(_warroom_kubeconfigs)
}

_warroom_commands()
{
	"${COMP_WORDS[0]}" --server http://127.0.0.1:1 run help 2>/dev/null |
		awk 'NR > 1 && length($0) > 17 { split(substr($0, 18), w, " "); if (w[1] ~ /^[a-z][a-z-]*$/) print w[1] }'
}

_warroom_namespaces()
{
	local ctx="" i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		[[ ${COMP_WORDS[i]} == --context ]] && ctx=${COMP_WORDS[i + 1]}
	done
	if command -v kubectl >/dev/null 2>&1; then
		kubectl ${ctx:+--context "$ctx"} get namespaces --request-timeout=2s --no-headers \
			-o custom-columns=:metadata.name 2>/dev/null
	fi
	_warroom_kube_field namespace
	printf '%s\n' all
}

_warroom()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local words
	COMPREPLY=()
	case $prev in
	--kubeconfig | --token-file | --certificate-authority | --config | --matrix | --keymap)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--context)
		words=$(_warroom_kube_field name | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
		;;
	-n | --namespace)
		words=$(_warroom_namespaces | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
		;;
	--panel)
		COMPREPLY=($(compgen -W "pods nodes workloads events hosts matrix" -- "$cur"))
		return
		;;
	-c | --command | run)
		words=$(_warroom_commands)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
		;;
	--server | --token | --cluster | --user | --rotate | --exit-after-frames)
		return # a value only the user knows
		;;
	esac
	# The argument of a command word: `ns NAME` and `ctx NAME` inside -c/run.
	if [[ $prev == ns ]]; then
		words=$(_warroom_namespaces | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	elif [[ $prev == ctx ]]; then
		words=$(_warroom_kube_field name | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		words=$("${COMP_WORDS[0]}" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -W "run check" -- "$cur"))
}

complete -F _warroom warroom
