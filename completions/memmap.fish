# fish completion for memmap(1): options, column names with their
# descriptions (asked of memmap itself), colour modes, and target processes
# with their command names.

# "NAME<TAB>description" lines, from `memmap --list-columns --raw` so a
# newer binary's columns appear, else a built-in list for when memmap
# cannot run.
function __memmap_columns
    set -l cmd (commandline -opc)[1]
    set -q cmd[1]; or set cmd memmap
    set -l seen
    set -l out
    set -l lines
    command -q -- $cmd; and set lines (command $cmd --list-columns --raw 2>/dev/null)
    for line in $lines
        # Skip headings; both tables share some names, listed once.
        set -l parts (string match -r '^([A-Z][A-Z0-9_-]*)\s*(.*)$' -- $line)
        or continue
        contains -- $parts[2] $seen; and continue
        set -a seen $parts[2]
        set -a out "$parts[2]"\t"$parts[3]"
    end
    if not set -q out[1]
        set out \
            ADDRESS\t'start-end of the mapping or region (tree)' \
            START\t'start address' \
            END\t'end address' \
            PERMS\t'permissions' \
            OFFSET\t'offset in the file' \
            DEV\t'device of the file' \
            INODE\t'inode of the file' \
            VSZ\t'virtual size' \
            RSS\t'resident set size' \
            PSS\t'proportional set size' \
            SWAP\t'swapped-out memory' \
            DIRTY\t'dirty memory' \
            ANON\t'anonymous memory' \
            LABEL\t'label' \
            HOW\t'how the label was established' \
            NAME\t'path, kernel name or region detail' \
            RESERVED\t'reserved (PROT_NONE) part of VSZ' \
            COUNT\t'number of regions'
    end
    printf '%s\n' $out
end

# -o LIST: comma-separated, optionally after a "+" that appends to the
# defaults; the columns already listed are not offered again.
function __memmap_column_list
    set -l tok (commandline -ct)
    set tok (string replace -r -- '^(--output=|-o)' '' $tok)
    set -l prefix (string match -r -- '^.*,|^\+' $tok)
    set -l listed (string split , -- (string upper -- (string trim -l -c + -- $prefix)))
    for spec in (__memmap_columns)
        set -l name (string split -m 1 \t -- $spec)[1]
        contains -- $name $listed; and continue
        printf '%s%s\n' "$prefix" $spec
    end
end

# PIDs with their command names, and the names that match exactly one
# process (memmap refuses the others).  Kernel threads and zombies have an
# empty cmdline and no address space.
function __memmap_targets
    set -l names
    for d in (string match -r -- '^/proc/\d+$' /proc/*)
        read -l -z first <$d/cmdline 2>/dev/null; or continue
        test -n "$first"; or continue
        read -l comm <$d/comm 2>/dev/null; or continue
        printf '%s\t%s\n' (string replace /proc/ '' -- $d) $comm
        set -a names $comm
    end
    printf '%s\n' $names | sort | uniq -u | while read -l name
        printf '%s\tprocess name\n' $name
    end
end

complete -c memmap -f
complete -c memmap -s J -l json -d 'Print the complete snapshot as one JSON document'
complete -c memmap -l summary -d 'Print only the per-label summary table'
complete -c memmap -l mappings -d 'Print only the mapping tree'
complete -c memmap -s o -l output -x -a '(__memmap_column_list)' -d 'Columns of the table printed (+LIST appends)'
complete -c memmap -l list-columns -d 'List the columns of both tables and exit'
complete -c memmap -s s -l sort -x -a '(__memmap_columns)' -d 'Sort rows by a column'
complete -c memmap -s r -l raw -d 'Raw output (no alignment, no tree)'
complete -c memmap -s n -l noheadings -d "Don't print headings"
complete -c memmap -s b -l bytes -d 'Print sizes in bytes'
complete -c memmap -s u -l notruncate -d "Don't truncate text in columns"
complete -c memmap -l color -a 'auto always never' -d 'Colour the output (auto, always, never)'
complete -c memmap -l proc-root -x -a '(__fish_complete_directories)' -d 'Read a captured /proc tree'
# -? is left out: fish would take "?" for a wildcard.
complete -c memmap -l help -d 'Print help and exit'
complete -c memmap -l usage -d 'Print a short usage message and exit'
complete -c memmap -s V -l version -d 'Print the version and exit'
complete -c memmap -n 'not string match -q -- "-*" (commandline -ct)' -a '(__memmap_targets)'
