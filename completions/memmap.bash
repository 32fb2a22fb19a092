# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for memmap(1): options, column names (asked of memmap
# itself, so they follow the binary), colour modes, and target processes.

# Column names, one per line, of table $2: "map" (the mapping tree), "sum"
# (the summary) or "any".  Asked of memmap ($1) so a newer binary's columns
# appear: `memmap --list-columns` prints "NAME  description" lines under a
# "Mapping tree columns:", a "Summary columns:" and a "Process list
# columns:" heading (the last for -s only: "any").  A built-in list
# serves when memmap cannot run.
_memmap_columns()
{
	local names
	names=$("${1:-memmap}" --list-columns 2>/dev/null | awk -v want="$2" '
		/^[^ \t].*columns:$/ { table = /^Summary/ ? "sum" : /^Process/ ? "proc" : "map"; next }
		$1 ~ /^%?[A-Z][A-Z0-9_-]*$/ &&
			(want == "any" || table == "" || table == want) &&
			!seen[$1]++ { print $1 }')
	if [[ -z $names ]]; then
		local map='ADDRESS RANGE START END PERMS OFFSET DEV INODE VSZ RSS PSS
			USS SWAP DIRTY ANON LABEL HOW NAME'
		local sum='LABEL VSZ RESERVED RSS %RSS PSS USS SWAP DIRTY COUNT BAR'
		case $2 in
		map) names=$map ;;
		sum) names=$sum ;;
		*) names="$map RESERVED %RSS COUNT BAR" ;;
		esac
		names=$(printf '%s\n' $names)
	fi
	printf '%s\n' "$names"
}

# The label vocabulary, one per line, asked of memmap ($1) so it follows the
# binary: `memmap --list-labels --raw` prints "NAME CLASS help" lines.  Then
# a glob for each family: "go.*" for go.heap ..., "anon*" when the family's
# own name is a label too.
_memmap_labels()
{
	"${1:-memmap}" --list-labels --raw 2>/dev/null | awk '
		$1 ~ /^[a-z][a-z0-9._-]*$/ {
			print $1
			label[$1] = 1
			if ((i = index($1, ".")) > 0)
				family[substr($1, 1, i - 1)] = 1
		}
		END { for (f in family) print f ((f in label) ? "*" : ".*") }'
}

# Sets COMPREPLY to the PIDs and process names starting with $1.  Kernel
# threads and zombies (empty cmdline) have no address space to show.  A
# name is offered only when exactly one process has it, as memmap requires.
_memmap_targets()
{
	local cur=$1 d pid comm c
	local -A count=() user=()
	COMPREPLY=()
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		IFS= read -r comm 2>/dev/null <"$d/comm" && [[ -n $comm ]] ||
			continue
		count[$comm]=$((${count[$comm]:-0} + 1))
		c=
		read -r -d "" -n 1 c 2>/dev/null <"$d/cmdline"
		[[ -n $c ]] || continue
		user[$comm]=1
		[[ $pid == "$cur"* ]] && COMPREPLY+=("$pid")
	done
	[[ $cur == [0-9]* ]] && return
	for comm in "${!user[@]}"; do
		[[ ${count[$comm]} == 1 && $comm == "$cur"* ]] &&
			COMPREPLY+=("$(printf '%q' "$comm")")
	done
}

_memmap()
{
	local cur prev words cword split
	_init_completion -s || return

	local -a cols
	case $prev in
	-o | --output)
		# A comma list, optionally after "+": complete the last item and
		# leave out the columns already listed.
		local last=${cur##*,} prefix col
		[[ $cur == *,* ]] || last=${last#+}
		prefix=${cur%"$last"}
		# -o chooses the tree's columns, or with --summary alone the
		# summary's.
		local table=map
		[[ " ${words[*]} " == *" --summary "* &&
			" ${words[*]} " != *" --mappings "* ]] && table=sum
		mapfile -t cols < <(_memmap_columns "${words[0]}" $table)
		local -a avail=()
		for col in "${cols[@]}"; do
			[[ ,${prefix#+}, == *",$col,"* || ,${prefix#+}, == *",${col,,},"* ]] ||
				avail+=("$col")
		done
		mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "${avail[*]}" -- "${last^^}")
		compopt -o nospace
		return
		;;
	-s | --sort)
		mapfile -t cols < <(_memmap_columns "${words[0]}" any)
		mapfile -t COMPREPLY < <(compgen -W "${cols[*]}" -- "${cur^^}")
		return
		;;
	--color)
		# The argument is optional, so only --color=WHEN takes it.
		if [[ $split == true ]]; then
			mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur")
			return
		fi
		;;
	--proc-root)
		_filedir -d
		return
		;;
	--user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return
		;;
	--cgroup)
		_filedir -d
		return
		;;
	--format)
		mapfile -t COMPREPLY < <(compgen -W 'prometheus openmetrics' -- "$cur")
		return
		;;
	--budget)
		return
		;;
	--save | --svg | --output-file)
		_filedir
		return
		;;
	--label)
		# A comma list of label globs: complete the last one.  "*" is
		# escaped so the shell passes it to memmap.
		local last=${cur##*,}
		local prefix=${cur%"$last"}
		last=${last//\\/}
		local labels
		labels=$(_memmap_labels "${words[0]}")
		mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$labels" -- "$last")
		COMPREPLY=("${COMPREPLY[@]//\*/\\*}")
		compopt -o nospace
		return
		;;
	--watch | --threshold | --min-size | --address)
		# A number of seconds, a size, an address: nothing to offer.
		return
		;;
	--diff)
		# The before side: a snapshot file, a PID or a process name.
		_filedir
		local -a files=("${COMPREPLY[@]}")
		_memmap_targets "$cur"
		COMPREPLY+=("${files[@]}")
		return
		;;
	esac

	$split && return

	if [[ $cur == -* ]]; then
		local opts='-J --json --summary --mappings --explain --svg= --symbols --symbols= -o
			--output= --list-columns --list-labels -s --sort= -r --raw -P --pairs -n --noheadings
			-b --bytes -u --notruncate --color --color= --label= --min-size=
			--address= --save= --diff= --watch= --watch-prev --threshold=
			--no-mem --open-remote --proc-root= --all --user= --cgroup= --budget= --format=
			--prometheus --per-pid --output-file= --help --usage -V --version'
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] &&
			compopt -o nospace
		return
	fi

	# With --diff the after side may be a snapshot file too.
	if [[ " ${words[*]} " == *" --diff "* && $cur != [0-9]* ]]; then
		_filedir
		local -a files=("${COMPREPLY[@]}")
		_memmap_targets "$cur"
		COMPREPLY+=("${files[@]}")
		return
	fi
	_memmap_targets "$cur"
} &&
	complete -F _memmap memmap

# ex: filetype=sh
