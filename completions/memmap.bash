# bash completion for memmap(1): options, column names (asked of memmap
# itself, so they follow the binary), colour modes, and target processes.

# Column names, one per line: from `memmap --list-columns --raw` ("NAME
# description" lines) so a newer binary's columns appear, else a built-in
# list for when memmap cannot run.
_memmap_columns()
{
	local names
	# Lines that do not start with a column name (headings) are skipped;
	# both tables share some names, listed once.
	names=$("${1:-memmap}" --list-columns --raw 2>/dev/null |
		awk '$1 ~ /^[A-Z][A-Z0-9_-]*$/ && !seen[$1]++ { print $1 }')
	if [[ -z $names ]]; then
		names=$(printf '%s\n' ADDRESS START END PERMS OFFSET DEV INODE VSZ \
			RSS PSS SWAP DIRTY ANON LABEL HOW NAME RESERVED COUNT)
	fi
	printf '%s\n' "$names"
}

# Sets COMPREPLY to the PIDs and process names starting with $1.  Kernel
# threads and zombies (empty cmdline) have no address space to show.  A
# name is offered only when exactly one process has it: memmap refuses
# others.
_memmap_targets()
{
	local cur=$1 d pid comm c
	local -A count=()
	COMPREPLY=()
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		c=
		read -r -d "" -n 1 c 2>/dev/null <"$d/cmdline"
		[[ -n $c ]] || continue
		read -r comm 2>/dev/null <"$d/comm" || continue
		[[ $pid == "$cur"* ]] && COMPREPLY+=("$pid")
		count[$comm]=$((${count[$comm]:-0} + 1))
	done
	[[ $cur == [0-9]* ]] && return
	for comm in "${!count[@]}"; do
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
		# leave out columns already listed.
		local last=${cur##*,} prefix col
		[[ $cur == *,* ]] || last=${last#+}
		prefix=${cur%"$last"}
		mapfile -t cols < <(_memmap_columns "${words[0]}")
		local -a avail=()
		for col in "${cols[@]}"; do
			[[ ,${prefix#+}, == *",$col,"* ]] || avail+=("$col")
		done
		mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "${avail[*]}" -- "${last^^}")
		[[ ${#COMPREPLY[@]} -eq 0 ]] &&
			mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "${avail[*]}" -- "$last")
		compopt -o nospace
		return
		;;
	-s | --sort)
		mapfile -t cols < <(_memmap_columns "${words[0]}")
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
	esac

	$split && return

	if [[ $cur == -* ]]; then
		local opts='-J --json --summary --mappings -o --output= --list-columns
			-s --sort= -r --raw -n --noheadings -b --bytes -u --notruncate
			--color --color= --proc-root= --help --usage -V --version'
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] &&
			compopt -o nospace
		return
	fi

	_memmap_targets "$cur"
} &&
	complete -F _memmap memmap

# ex: filetype=sh
