#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Keeps the documentation in step with the code: the man pages build with
scdoc and format without warnings, and every option `memmap --help` prints,
every column `memmap --list-columns` lists and every label `memmap
--list-labels` lists is documented in memmap(1); each shell's completion
offers the options and asks memmap for the labels; every member of a real
`memmap -J` document is described in memmap-json(5).  A failure names what
is missing and where to add it."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import json

from common import COMPLETIONS, MEMMAP, SOURCE, check, finish

MAN = os.path.join(SOURCE, 'man')
PAGES = ['memmap.1.scd', 'memmap-json.5.scd']


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def section(text, title):
    """The body of '# TITLE' (or '## TITLE') up to the next header of the
    same or a higher level."""
    m = re.search(r'^(#+) %s\n' % re.escape(title), text, re.M)
    if not m:
        return ''
    body = text[m.end():]
    stop = re.search(r'^#{1,%d} ' % len(m.group(1)), body, re.M)
    return body[:stop.start()] if stop else body


def check_pages():
    scdoc = shutil.which('scdoc')
    man = shutil.which('man')
    with tempfile.TemporaryDirectory() as tmp:
        for page in PAGES:
            src = os.path.join(MAN, page)
            if not scdoc:
                print('note: scdoc not installed, %s not built' % page)
                continue
            with open(src, 'rb') as f:
                r = subprocess.run([scdoc], stdin=f, capture_output=True)
            check(r.returncode == 0 and r.stdout,
                  'scdoc < %s succeeds %s' % (page, r.stderr.decode().strip()))
            if r.returncode or not man:
                continue
            out = os.path.join(tmp, page[:-4])
            with open(out, 'wb') as f:
                f.write(r.stdout)
            m = subprocess.run([man, '--warnings', '-l', out],
                               capture_output=True, text=True,
                               env=dict(os.environ, MANWIDTH='80',
                                        MAN_KEEP_FORMATTING='0'))
            check(m.returncode == 0 and not m.stderr.strip(),
                  'man --warnings -l %s: no warnings %s'
                  % (page[:-4], m.stderr.strip()))


def help_options():
    r = subprocess.run([MEMMAP, '--help'], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 0, 'memmap --help exits 0')
    longs, shorts = set(), set()
    for ln in r.stdout.splitlines():
        # option lines: "  -J, --json ...", "      --color[=WHEN] ..."
        m = re.match(r'\s+(-(\S), )?--([a-z][a-z0-9-]*)', ln)
        if m:
            longs.add(m.group(3))
            if m.group(2):
                shorts.add(m.group(2))
    return longs, shorts


def list_columns():
    r = subprocess.run([MEMMAP, '--list-columns'], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0, 'memmap --list-columns exits 0')
    tables = {'map': set(), 'sum': set(), 'proc': set()}
    table = None
    for ln in r.stdout.splitlines():
        if re.match(r'\S.*columns:$', ln):
            table = ('sum' if ln.startswith('Summary') else
                     'proc' if ln.startswith('Process') else 'map')
            continue
        m = re.match(r'\s*(%?[A-Z][A-Z0-9_-]*)\s', ln)
        if m and table:
            tables[table].add(m.group(1))
    check(tables['map'] and tables['sum'] and tables['proc'],
          '--list-columns lists the three tables under their headings')
    return tables


# The labels memmap/1 shipped with.  Names are a contract with JSON
# consumers (appended to, never renamed), so every one must stay listed; a
# new label is not added here.
MEMMAP1_LABELS = frozenset('''exe.text exe.rodata exe.data exe.relro exe.bss
lib.text lib.rodata lib.data lib.relro lib.bss heap stack kernel.vdso
kernel.vvar kernel.vsyscall file shmem anon.named anon thread.stack
thread.guard glibc.arena glibc.mmap-chunk ld.tls ld.malloc go.heap
go.heap-index go.heap-metadata go.page-summary go.page-alloc
go.scavenge-index go.immortal-metadata go.gc-bits go.allspans go.other
python.arena python.datastack'''.split())

CLASSES = {'image', 'heap', 'stack', 'runtime', 'kernel', 'file', 'anon'}


def list_labels():
    """The vocabulary as the binary prints it (`--list-labels --raw`: "NAME
    CLASS help" lines), checked against its `-J` form."""
    r = subprocess.run([MEMMAP, '--list-labels', '--raw'], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0, 'memmap --list-labels --raw exits 0')
    rows = [ln.split(' ', 2) for ln in r.stdout.splitlines()]
    check(all(len(row) == 3 and re.fullmatch(r'[a-z][a-z0-9._-]*', row[0])
              and row[1] in CLASSES and row[2].strip() for row in rows),
          '--list-labels --raw: every line is NAME CLASS help')
    labels = [row[0] for row in rows]
    check(len(labels) >= 30 and len(set(labels)) == len(labels),
          'memmap --list-labels lists the labels, each once (%d)' % len(labels))
    check(MEMMAP1_LABELS <= set(labels),
          'memmap --list-labels still lists every memmap/1 label (gone: %s)'
          % sorted(MEMMAP1_LABELS - set(labels)))
    j = subprocess.run([MEMMAP, '--list-labels', '-J'], capture_output=True,
                       text=True, timeout=30)
    try:
        doc = json.loads(j.stdout)['labels']
    except (ValueError, KeyError, TypeError):
        doc = []
    check([d.get('name') for d in doc] == labels,
          'memmap --list-labels -J lists the same labels in the same order')
    check(all(re.fullmatch(r'#[0-9a-f]{6}', d.get('color', '')) and
              d.get('explanation') for d in doc),
          'memmap --list-labels -J: every label has a colour and an explanation')
    return labels


def json_keys(doc):
    """Every member name in doc, as 'name' (objects inside arrays too)."""
    keys = set()
    if isinstance(doc, dict):
        for k, v in doc.items():
            keys.add(k)
            keys |= json_keys(v)
    elif isinstance(doc, list):
        for v in doc:
            keys |= json_keys(v)
    return keys


def snapshot_keys():
    """The member names of a real snapshot, of a process this test starts."""
    proc = subprocess.Popen(['sleep', '600'])
    try:
        r = subprocess.run([MEMMAP, '-J', str(proc.pid)], capture_output=True,
                           text=True, timeout=60)
    finally:
        proc.kill()
        proc.wait()
    check(r.returncode in (0, 1), 'memmap -J sleep exits 0 or 1 (%d)'
          % r.returncode)
    try:
        return json_keys(json.loads(r.stdout))
    except ValueError:
        check(False, 'memmap -J prints JSON')
        return set()


def main():
    if not (MEMMAP and os.access(MEMMAP, os.X_OK)):
        print('FAIL: MEMMAP (%r) is not an executable memmap' % MEMMAP)
        sys.exit(1)
    check_pages()

    man1 = read(os.path.join(MAN, 'memmap.1.scd'))
    man5 = read(os.path.join(MAN, 'memmap-json.5.scd'))
    options = section(man1, 'OPTIONS')
    comp = {name: read(os.path.join(COMPLETIONS, name))
            for name in ('memmap.bash', '_memmap', 'memmap.fish')}

    longs, shorts = help_options()
    check(len(longs) >= 15, 'memmap --help lists long options (%d)'
          % len(longs))
    for opt in sorted(longs):
        check('*--%s*' % opt in options,
              'memmap.1.scd OPTIONS documents --%s' % opt)
        pat = r'--%s(?![a-z0-9-])' % re.escape(opt)
        check(re.search(pat, comp['memmap.bash']) is not None,
              'completions/memmap.bash offers --%s' % opt)
        check(re.search(pat, comp['_memmap']) is not None,
              'completions/_memmap offers --%s' % opt)
        check(re.search(r'-l %s(?![a-z0-9-])' % re.escape(opt),
                        comp['memmap.fish']) is not None,
              'completions/memmap.fish offers --%s' % opt)
    for opt in sorted(shorts):
        check('*-%s*' % opt in options,
              'memmap.1.scd OPTIONS documents -%s' % opt)
        if opt == '?':
            continue        # a glob in fish and bash word lists
        check(re.search(r'(^|[\s{,\'(])-%s\b' % re.escape(opt),
                        comp['memmap.bash'] + comp['_memmap']) is not None,
              'bash and zsh completions offer -%s' % opt)
        check(re.search(r'-s %s\b' % re.escape(opt), comp['memmap.fish'])
              is not None, 'completions/memmap.fish offers -%s' % opt)

    tables = list_columns()
    docs = {'map': section(man1, 'Mapping tree'), 'sum': section(man1, 'Summary'),
            'proc': section(man1, 'Process list')}
    names = {'map': 'Mapping tree', 'sum': 'Summary', 'proc': 'Process list'}
    for table, cols in sorted(tables.items()):
        for col in sorted(cols):
            check(re.search(r'^\*%s\*$' % col, docs[table], re.M) is not None,
                  'memmap.1.scd COLUMNS (%s) documents %s'
                  % (names[table], col))

    labels_doc = section(man1, 'LABELS')
    region_doc = section(man5, 'REGION')
    labels = list_labels()
    for label in labels:
        check(re.search(r'^\*%s\*$' % re.escape(label), labels_doc, re.M)
              is not None, 'memmap.1.scd LABELS documents %s' % label)
    own = re.split(r'^## ', labels_doc, flags=re.M)[0]   # not "How ..."
    documented = re.findall(r'^\*([a-z][a-z0-9._-]*)\*$', own, re.M)
    for label in sorted(set(documented) - set(labels)):
        check(False, 'memmap.1.scd LABELS documents %s, which memmap '
              '--list-labels does not list' % label)
    # The label lists derive from the binary, so no file but memmap(1) has
    # to spell a new label: the JSON page points at it, the completions ask.
    check('--list-labels' in region_doc and 'memmap*(1), *LABELS*' in region_doc,
          'memmap-json.5.scd REGION points to memmap(1) LABELS and --list-labels')
    for name, text in comp.items():
        check('--list-labels --raw' in text,
              'completions/%s asks `memmap --list-labels --raw` for --label'
              % name)

    for key in sorted(snapshot_keys()):
        check('*%s*' % key in man5,
              'memmap-json.5.scd documents the snapshot member "%s"' % key)
    finish()


if __name__ == '__main__':
    main()
