# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for memmap(1): options, column names with their
# descriptions (asked of memmap itself), colour modes, and target processes
# with their command names.

# "NAME<TAB>description" lines for the columns of table $argv[1]: map
# (the mapping tree), sum (the summary) or any.  Asked of memmap so a newer
# binary's columns appear: `memmap --list-columns` prints "NAME
# description" lines under a "Mapping tree columns:" and a "Summary
# columns:" heading.  A built-in list serves when memmap cannot run.
function __memmap_columns
    set -l want $argv[1]
    set -l cmd (commandline -opc)[1]
    set -q cmd[1]; or set cmd memmap
    set -l lines
    command -q -- $cmd; and set lines (command $cmd --list-columns 2>/dev/null)
    set -l table
    set -l seen
    set -l out
    for line in $lines
        if string match -qr -- '^\S.*columns:$' $line
            if string match -q -- 'Summary*' $line
                set table sum
            else if string match -q -- 'Process*' $line
                set table proc
            else
                set table map
            end
            continue
        end
        set -l parts (string match -r -- '^\s*(%?[A-Z][A-Z0-9_-]*)\s*(.*)$' $line)
        or continue
        test $want = any -o -z "$table" -o "$table" = $want; or continue
        contains -- $parts[2] $seen; and continue
        set -a seen $parts[2]
        set -a out "$parts[2]"\t"$parts[3]"
    end
    if not set -q out[1]
        set -l map \
            ADDRESS\t'start address of the mapping or region (tree)' \
            START\t'start address' \
            END\t'end address' \
            PERMS\t'permissions' \
            OFFSET\t'offset in the file' \
            DEV\t'device of the file' \
            INODE\t'inode of the file' \
            LABEL\t'label' \
            VSZ\t'virtual size' \
            RSS\t'resident set size' \
            PSS\t'proportional set size' \
            USS\t'unique (private) resident memory' \
            SWAP\t'swapped-out memory' \
            DIRTY\t'dirty memory' \
            ANON\t'anonymous memory' \
            HOW\t'how the label was established' \
            NAME\t'path, kernel name or region detail' \
            RANGE\t'start-end of the mapping or region (tree)'
        set -l sumonly \
            %RSS\t'share of the process RSS' \
            RESERVED\t'reserved (PROT_NONE) part of VSZ' \
            COUNT\t'number of regions' \
            BAR\t'RSS and reserved VSZ as a bar'
        switch $want
            case map
                set out $map
            case sum
                set out $map[8..14] $sumonly
            case '*'
                set out $map $sumonly
        end
    end
    printf '%s\n' $out
end

# -o LIST: the tree's columns, or with --summary alone the summary's;
# comma-separated, optionally after a "+" that appends to the defaults;
# the columns already listed are not offered again.
function __memmap_column_list
    set -l table map
    set -l words (commandline -opc)
    contains -- --summary $words; and not contains -- --mappings $words
    and set table sum
    set -l tok (commandline -ct)
    set tok (string replace -r -- '^(--output=|-o)' '' $tok)
    set -l prefix (string match -r -- '^.*,|^\+' $tok)
    set -l listed (string split , -- (string upper -- (string trim -l -c + -- $prefix)))
    for spec in (__memmap_columns $table)
        set -l name (string split -m 1 \t -- $spec)[1]
        contains -- $name $listed; and continue
        printf '%s%s\n' "$prefix" $spec
    end
end

# --label GLOB,...: the label vocabulary with its help, after the items
# already given, asked of memmap so it follows the binary (`memmap
# --list-labels --raw` prints "NAME CLASS help" lines); then a glob for each
# family: "go.*" for go.heap ..., "anon*" when the family's own name is a
# label too.
function __memmap_labels
    set -l tok (string replace -r -- '^--label=' '' (commandline -ct))
    set -l prefix (string match -r -- '^.*,' $tok)
    set -l cmd (commandline -opc)[1]
    set -q cmd[1]; or set cmd memmap
    set -l lines
    command -q -- $cmd; and set lines (command $cmd --list-labels --raw 2>/dev/null)
    set -l labels
    for line in $lines
        set -l parts (string match -r -- '^([a-z][a-z0-9._-]*) \S+ (.*)$' $line)
        or continue
        set -a labels $parts[2]
        printf '%s%s\t%s\n' "$prefix" $parts[2] $parts[3]
    end
    set -l families
    for label in $labels
        string match -q -- '*.*' $label; or continue
        set -l fam (string split -m 1 . -- $label)[1]
        if contains -- $fam $labels
            set fam "$fam*"
        else
            set fam "$fam.*"
        end
        contains -- $fam $families; and continue
        set -a families $fam
        printf '%s%s\tlabel family\n' "$prefix" $fam
    end
end

# PIDs with their command names, and the names that match exactly one
# process (memmap refuses the others).  Kernel threads and zombies have an
# empty cmdline and no address space.
function __memmap_targets
    # One awk over every comm and cmdline file rather than a loop of
    # reads: fish cannot silence a redirection from a process that exited
    # meanwhile.  getline, unlike awk's own input, survives such a file.
    awk '
        BEGIN {
            for (i = 1; i < ARGC; i++) {
                split(ARGV[i], p, "/")
                if (p[3] !~ /^[0-9]+$/) { continue }
                if ((getline line < ARGV[i]) > 0) {
                    if (p[4] == "comm") { comm[p[3]] = line } else { user[p[3]] = 1 }
                }
                close(ARGV[i])
            }
            for (pid in comm) { count[comm[pid]]++ }
            for (pid in user) {
                if (!(pid in comm)) { continue }
                print pid "\t" comm[pid]
                if (count[comm[pid]] == 1) { print comm[pid] "\tprocess name" }
            }
        }' /proc/*/comm /proc/*/cmdline 2>/dev/null
end

complete -c memmap -f
complete -c memmap -s J -l json -d 'Print the complete snapshot as one JSON document'
complete -c memmap -l summary -d 'Print only the per-label summary table'
complete -c memmap -l mappings -d 'Print only the mapping tree'
complete -c memmap -l explain -d 'Explain each label under the summary'
complete -c memmap -l svg -r -F -d 'Also draw the address space as SVG into FILE'
complete -c memmap -l symbols -f -d 'The N largest symbols of each section (--symbols=N, default 5)'
complete -c memmap -s o -l output -x -a '(__memmap_column_list)' -d 'Columns of the table printed (+LIST appends)'
complete -c memmap -l list-columns -d 'List the columns of the tables and exit'
complete -c memmap -l list-labels -d 'List the labels (name, class, help) and exit'
complete -c memmap -s s -l sort -x -a '(__memmap_columns any)' -d 'Sort rows by a column'
complete -c memmap -s r -l raw -d 'Raw output (no alignment, no tree)'
complete -c memmap -s P -l pairs -d 'KEY="value" pairs, as lsblk -P'
complete -c memmap -s n -l noheadings -d "Don't print headings"
complete -c memmap -s b -l bytes -d 'Print sizes in bytes'
complete -c memmap -s u -l notruncate -d "Don't truncate text in columns"
complete -c memmap -l color -a 'auto always never' -d 'Colour the output (auto, always, never)'
complete -c memmap -l label -x -a '(__memmap_labels)' -d 'Only labels matching GLOB (comma-separated)'
complete -c memmap -l min-size -x -d 'Only rows of at least SIZE of VSZ'
complete -c memmap -l address -x -d 'Which mapping and region hold ADDR (hex, several with commas)'
complete -c memmap -l save -r -F -d 'Also write the snapshot (JSON) to FILE'
complete -c memmap -l diff -r -F -a '(__memmap_targets)' -d 'Compare snapshot A (file, PID or name) with the process'
complete -c memmap -l watch -x -d 'Sample every SECONDS and print the changes'
complete -c memmap -l watch-prev -d 'With --watch: compare with the previous sample'
complete -c memmap -l threshold -x -d 'With --diff or --watch: hide changes smaller than SIZE'
complete -c memmap -l no-mem -d "Never read the target's memory: runtime labels by heuristics only"
complete -c memmap -l open-remote -d 'Also open mapped files on FUSE, NFS and other network file systems'
complete -c memmap -l proc-root -x -a '(__fish_complete_directories)' -d 'Read a captured /proc tree'
complete -c memmap -l all -d 'Every process (kernel threads aside)'
complete -c memmap -l user -x -a '(__fish_complete_users)' -d 'The processes of USER'
complete -c memmap -l cgroup -x -a '(__fish_complete_directories /sys/fs/cgroup/)' -d 'The processes of a cgroup and those below it'
complete -c memmap -l budget -x -d 'Give up on a process after SECONDS (default 5)'
complete -c memmap -l format -x -a 'prometheus openmetrics' -d 'Metrics for node_exporter'
complete -c memmap -l prometheus -d 'Metrics for node_exporter (--format=prometheus)'
complete -c memmap -l per-pid -d 'Metrics: a series per process, not per group'
complete -c memmap -l output-file -r -F -d 'Write to FILE atomically'
# -? is left out: fish would take "?" for a wildcard.
complete -c memmap -l help -d 'Print help and exit'
complete -c memmap -l usage -d 'Print a short usage message and exit'
complete -c memmap -s V -l version -d 'Print the version and exit'
complete -c memmap -n 'not string match -q -- "-*" (commandline -ct)' -a '(__memmap_targets)'
# With --diff the after side may be a snapshot file too.
complete -c memmap -n 'contains -- --diff (commandline -opc); or string match -q -- "--diff=*" (commandline -opc)' -F
