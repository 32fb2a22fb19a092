#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: the table output on the fixture factory.  The default output has
a header, the summary and the mapping tree; raw rows are parseable and sum
to /proc's totals; colour follows --color and NO_COLOR; a file name holding
an escape sequence and invalid UTF-8 never reaches the terminal as control
bytes, and JSON stays valid with path_hex.

usage: test_table.py [output|totals|long]
  output: everything above
  totals: the summary's total and reconciliation lines (-b) agree with the
          summary's columns and with /proc/PID/status
  long:   a mapping list too long for one libsmartcols table, piped (memmap
          prints it in chunks): every /proc/PID/maps entry once, in order,
          and every line's columns where the header puts them, wide
          characters and tree art included"""
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

LABELS = mt.LABELS

EVIL = b'evil \x1b[31mred\x1b[0m \xff\xfe.dat'


def on_pty(args, env):
    """Runs memmap with stdout and stderr on a pseudo-terminal; returns
    (rc, output bytes)."""
    master, slave = pty.openpty()
    e = dict(os.environ)
    for k, v in env.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    e.setdefault('TERM', 'xterm')
    p = subprocess.Popen([mt.memmap_path()] + [str(a) for a in args],
                         stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                         env=e, close_fds=True)
    os.close(slave)
    out = b''
    while True:
        r, _, _ = select.select([master], [], [], 60)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:	# EIO: the other side closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout=60), out


def control_bytes(b):
    """Control bytes other than newline (and tab) in b."""
    return sorted({c for c in b if (c < 0x20 and c not in (0x0a, 0x09)) or c == 0x7f})


def totals(t, fx):
    """The lines after the summary table: each number named PSS, RSS, swap,
    VmSize, VmRSS is the column sum or the /proc truth."""
    pid = fx.pid
    st = mt.proc_status(pid)
    rc, out, err = mt.run_memmap('--summary', '-b', '-o',
                                 'LABEL,VSZ,RESERVED,RSS,PSS,SWAP,DIRTY,COUNT',
                                 pid, env={'NO_COLOR': None})
    t.eq(rc, 0, 'summary -b: exit code (stderr %r)' % err)
    lines = out.splitlines()
    head = [i for i, line in enumerate(lines) if line.split()[:2] == ['LABEL', 'VSZ']]
    if not t.check(head, 'summary -b: no LABEL VSZ heading: %r' % out[:300]):
        return
    cols = lines[head[0]].split()
    sums = dict.fromkeys(cols[1:], 0)
    i = head[0] + 1
    rss_by_label = {}
    while i < len(lines) and lines[i].split() and lines[i].split()[0] in LABELS:
        w = lines[i].split()
        for c, v in zip(cols[1:], w[1:]):
            sums[c] += int(v)
        rss_by_label[w[0]] = int(w[cols.index('RSS')])
        i += 1
    foot = '\n'.join(lines[i:])
    t.note('footer: %r' % foot)

    def num(pat, what):
        m = re.search(pat, foot)
        t.check(m, 'summary footer: no %s in %r' % (what, foot))
        return int(m.group(1)) if m else None

    vsys = sum(x['end'] - x['start'] for x in mt.proc_maps(pid)
               if x['path'] == '[vsyscall]')
    t.eq(num(r'(?i)total\s+VSZ\D{0,3}(\d+)', 'total VSZ'), sums['VSZ'],
         'footer total VSZ vs the VSZ column')
    t.eq(sums['VSZ'], mt.status_bytes(st, 'VmSize') + vsys,
         'VSZ column vs VmSize + [vsyscall]')
    t.eq(num(r'(?i)reserved\D{0,3}(\d+)', 'reserved'), sums['RESERVED'],
         'footer reserved vs the RESERVED column')
    t.eq(num(r'(?<!smaps )\bRSS\D{0,3}(\d+)', 'RSS'), sums['RSS'],
         'footer RSS vs the RSS column')
    t.eq(num(r'\bPSS\D{0,3}(\d+)', 'PSS'), sums['PSS'],
         'footer PSS vs the PSS column')
    t.eq(num(r'(?i)\bswap\D{0,3}(\d+)', 'swap'), sums['SWAP'],
         'footer swap vs the SWAP column')
    t.eq(num(r'VmSize\D{0,3}(\d+)', 'VmSize'), mt.status_bytes(st, 'VmSize'),
         'footer VmSize vs /proc/PID/status')
    t.eq(num(r'smaps RSS\D{0,3}(\d+)', 'smaps RSS'), sums['RSS'],
         'footer smaps RSS vs the RSS column')
    vmrss = num(r'VmRSS\D{0,3}(\d+)', 'VmRSS')
    t.check(vmrss is not None and abs(vmrss - mt.status_bytes(st, 'VmRSS'))
            <= 256 * 1024, 'footer VmRSS %r vs /proc VmRSS %d' %
            (vmrss, mt.status_bytes(st, 'VmRSS')))
    families(t, foot, rss_by_label, sums['RSS'])


# The roll-up line's families as memmap(1) defines them (SUMMARY).
FAMILY = {
    'code': 'exe.text lib.text kernel.vdso kernel.vsyscall v8.code',
    'data': 'exe.rodata exe.data exe.relro exe.bss lib.rodata lib.data lib.relro '
            'lib.bss kernel.vvar ld.tls',
    'heap': 'heap glibc.arena glibc.mmap-chunk ld.malloc go.heap python.arena '
            'musl.malloc go.heap.objects go.heap.free go.heap.released jemalloc.arena '
            'v8.heap jvm.heap',
    'stacks': 'stack thread.stack thread.guard python.datastack go.heap.stacks',
    'runtime': 'go.heap-index go.heap-metadata go.page-summary go.page-alloc '
               'go.scavenge-index go.immortal-metadata go.gc-bits go.allspans go.other '
               'go.heap.gc jemalloc.metadata jvm.code jvm.gc jvm.cds jvm.metaspace '
               'jvm.class-space',
    'files': 'file',
    'shared': 'shmem',
    'other': 'anon.named anon hugetlb guard',
}


def families(t, foot, rss_by_label, rss_total):
    """'RSS by family: code N, data N...; reserved N': each the RSS column's
    sum over the family's labels, in the documented order, adding up to the
    RSS total."""
    listed = sorted(x for labels in FAMILY.values() for x in labels.split())
    t.eq(listed, sorted(LABELS), 'every label in one family (memmap(1) SUMMARY)')
    m = re.search(r'(?m)^RSS by family:(.*(?:\n  .*)*)', foot)
    if not t.check(m, 'the family line in %r' % foot):
        return
    text = ' '.join(m.group(1).split())
    got = [(k, int(v)) for k, v in re.findall(r'([a-z]+) (\d+)', text.split(';')[0])]
    order = list(FAMILY)
    t.eq([k for k, _ in got], [k for k in order if k in dict(got)],
         'families in the order code, data, heap, stacks, runtime, files, shared, other')
    want = {}
    for fam, labels in FAMILY.items():
        v = sum(rss_by_label.get(x, 0) for x in labels.split())
        if v:
            want[fam] = v
    t.eq(dict(got), want, 'RSS by family vs the RSS column summed by family')
    t.eq(sum(v for _, v in got), rss_total, 'the families add up to the RSS total')
    t.check(re.search(r'; reserved \d+', text), 'the reserved VSZ last: %r' % text)


def width(text):
    """Terminal cells of text, as wcwidth counts them."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in text)


def columns_of(header):
    """[(name, first cell, cell after the last)] of a header line."""
    return [(m.group(), m.start(), m.end()) for m in re.finditer(r'\S+', header)]


def cell_at(line, col):
    """The character in display cell col of line ('' past its end)."""
    at = 0
    for c in line:
        if at == col:
            return c
        at += width(c)
        if at > col:
            return c
    return ''


def aligned(t, what, lines, right):
    """Every line's columns where the header (lines[0], all ASCII) puts
    them: right-aligned ones end at the header's end, the others start at
    its start, each with a blank before it."""
    cols = columns_of(lines[0])
    bad = []
    for ln in lines[1:]:
        for i, (name, start, end) in enumerate(cols):
            if name in right:
                ok = cell_at(ln, end - 1) not in ' ' and cell_at(ln, end) in (' ', '')
            else:
                ok = i == 0 or cell_at(ln, start - 1) == ' '
            if not ok:
                bad.append('%s: %r' % (name, ln))
                break
    t.check(not bad, '%s: %d of %d lines misaligned, first: %s'
            % (what, len(bad), len(lines) - 1, bad[:1]))


def table_lines(out, head):
    """The mapping table of out: from its header line to the blank line
    before the closing total."""
    lines = out.splitlines()
    at = [i for i, ln in enumerate(lines) if ln.startswith(head)]
    if not at:
        return ['']
    end = [i for i in range(at[0], len(lines)) if not lines[i].strip()]
    return lines[at[0]:end[0] if end else len(lines)]


def long_list(t, factory):
    with tempfile.TemporaryDirectory() as d:
        wide = os.path.join(d, 'wide \u8868\u683c.dat')
        with open(wide, 'wb') as f:
            f.write(b'w' * 8192)
        with mt.Fixture([factory, '--evil', '--many', 5000, '--map', wide]) as fx:
            maps = mt.proc_maps(fx.pid)
            t.check(len(maps) > 5000, 'long: %d mappings' % len(maps))

            rc, out, err = mt.run_memmap('--mappings', fx.pid, env={'NO_COLOR': None})
            t.eq(rc, 0, 'long: exit (stderr %r)' % err)
            lines = table_lines(out, 'ADDRESS ')
            t.eq(sum(ln.startswith('ADDRESS ') for ln in lines), 1, 'long: one header')
            # ADDRESS is the mapping's start.
            top = [ln.split()[0] for ln in lines[1:] if ln[:1] not in ('\u251c', '\u2514')]
            t.eq(top, ['%x' % m['start'] for m in maps],
                 'long: the top-level lines are /proc/PID/maps, in order')
            t.check(any(ln.startswith('\u2514\u2500') for ln in lines),
                    'long: no region lines')
            t.check(any('\u8868\u683c' in ln for ln in lines), 'long: the wide name')
            aligned(t, 'long: default columns', lines, {'VSZ', 'RSS', 'PSS', 'SWAP'})

            # NAME first: wide characters and escapes before other columns.
            rc, out, err = mt.run_memmap('--mappings', '-o', 'name,label,how,vsz,rss',
                                         fx.pid, env={'NO_COLOR': None})
            t.eq(rc, 0, 'long -o name,...: exit (stderr %r)' % err)
            lines = table_lines(out, 'NAME ')
            t.check(len(lines) > len(maps), 'long -o: %d lines for %d mappings'
                    % (len(lines), len(maps)))
            aligned(t, 'long: NAME first', lines, {'VSZ', 'RSS'})


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else 'output'
    t = mt.Checker('core-table-' + part)
    if part == 'totals':
        factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
        with mt.Fixture([factory]) as fx:
            totals(t, fx)
        t.done()
    if part == 'long':
        long_list(t, os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset'))
        t.done()
    factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
    nocolor = {'NO_COLOR': None}

    with mt.Fixture([factory, '--evil']) as fx:
        pid = fx.pid
        st = mt.proc_status(pid)
        maps = mt.proc_maps(pid)
        vsz = mt.status_bytes(st, 'VmSize') + sum(
            x['end'] - x['start'] for x in maps if x['path'] == '[vsyscall]')

        # Default output: header, summary, tree.
        rc, out, err = mt.run_memmap(pid, '-u', env=nocolor, binary=True)
        t.eq(rc, 0, 'default: exit code (stderr %r)' % err)
        text = out.decode('utf-8', 'replace')
        t.check(_utf8(out), 'default: output is not valid UTF-8')
        t.check(str(pid) in text, 'default: pid %d not in the output' % pid)
        t.check(st['Name'] in text, 'default: command %s not in the output'
                % st['Name'])
        t.check(os.uname().release in text, 'default: kernel not in the output')
        for col in ('LABEL', 'VSZ', 'RSS', 'PSS', 'ADDRESS', 'PERMS'):
            t.check(col in text, 'default: column %s not in the output' % col)
        t.check('vmrss' in text.lower(), 'default: no VmRSS reconciliation')
        t.check('vmsize' in text.lower(), 'default: no VmSize reconciliation')
        for lbl in ('exe.text', 'lib.text', 'heap', 'stack', 'anon', 'shmem',
                    'file', 'exe.bss'):
            t.check(lbl in text.split(), 'default: label %s not shown' % lbl)
        s, e = fx.range('anon')
        t.check(('%x' % s) in text.lower(), 'default: mapping %x not in the tree' % s)
        t.check('mapped file.dat' in text, 'default: "mapped file.dat" not shown')
        # The factory's data mapping holds .got.plt/.data/.bss: its regions
        # are children in the tree.
        t.check(re.search(r'(\u251c\u2500|\u2514\u2500|\|-|`-)\s*[0-9a-f]{6,}\s',
                          text), 'default: no region rows under a mapping')
        for name in ('.data', '.bss'):
            t.check(re.search(r'(?m)\s%s(\s|$)' % re.escape(name), text),
                    'default: section %s not named in the tree' % name)
        t.check(control_bytes(out) == [], 'default: control bytes %s in the output'
                % control_bytes(out))
        t.check(b'\x1b[31mred' not in out, 'default: the file name\'s escape '
                'sequence reached the output')

        # Raw summary rows: LABEL VSZ, in bytes, summing to the truth.
        rc, out, err = mt.run_memmap('-r', '-n', '-o', 'LABEL,VSZ', '-b',
                                     '--summary', pid, env=nocolor)
        t.eq(rc, 0, 'raw summary: exit code (stderr %r)' % err)
        total, labels = 0, []
        for line in out.splitlines():
            w = line.split()
            if w and w[0] in LABELS:
                if t.check(len(w) == 2 and w[1].isdigit(),
                           'raw summary: row %r is not LABEL BYTES' % line):
                    total += int(w[1])
                    labels.append(w[0])
        t.check(len(labels) == len(set(labels)), 'raw summary: repeated labels %r'
                % labels)
        t.eq(total, vsz, 'raw summary: VSZ sum vs VmSize + [vsyscall]')
        for lbl in ('exe.text', 'heap', 'stack', 'anon', 'shmem', 'file'):
            t.check(lbl in labels, 'raw summary: no %s row' % lbl)
        t.check(not re.search(r'(?m)^\s*[0-9a-f]{6,}-[0-9a-f]{6,}', out),
                'raw summary: mapping rows were printed with --summary')

        # Raw mapping rows.
        rc, out, err = mt.run_memmap('-r', '-n', '-b', '--mappings', '-o',
                                     'START,END,VSZ,LABEL', pid, env=nocolor)
        t.eq(rc, 0, 'raw mappings: exit code (stderr %r)' % err)
        # A mapping split into several regions has LABEL "-" (no empty
        # field: every row has its four); its regions follow it.
        rows = [line.split() for line in out.splitlines()]
        bad = [w for w in rows if not (
            len(w) == 4 and re.fullmatch(r'[0-9a-f]+', w[0]) and
            re.fullmatch(r'[0-9a-f]+', w[1]) and w[2].isdigit() and
            int(w[1], 16) - int(w[0], 16) == int(w[2]) and
            (w[3] in LABELS or w[3] == '-'))]
        t.check(rows and not bad, 'raw mappings: rows not START END VSZ '
                'LABEL|-: %r' % bad[:5])
        t.check(any(w[3] == '-' for w in rows), 'raw mappings: a split mapping has "-"')

        # -P: KEY="value" pairs, every column on every row, empty ones too.
        rc, out, err = mt.run_memmap('-P', '-b', '--mappings', '-o',
                                     'START,END,VSZ,LABEL,NAME', pid, env=nocolor)
        t.eq(rc, 0, '-P mappings: exit code (stderr %r)' % err)
        pairs = [dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', line))
                 for line in out.splitlines()]
        t.check(pairs and all(list(p) == ['START', 'END', 'VSZ', 'LABEL', 'NAME']
                              for p in pairs), '-P: every row has the five keys: %r'
                % [p for p in pairs if len(p) != 5][:3])
        t.check(all(int(p['END'], 16) - int(p['START'], 16) == int(p['VSZ'])
                    for p in pairs), '-P: START, END and VSZ agree')
        t.check(any(p['LABEL'] == '' for p in pairs), '-P: a split mapping has LABEL=""')
        rc, out, err = mt.run_memmap('-P', '--summary', pid, env=nocolor)
        t.check(rc == 0 and re.search(r'(?m)^LABEL="heap" .*RSS_PCT="[0-9.]+"', out),
                '-P summary: %%RSS as RSS_PCT: %r' % out[:200])
        spans = {(int(w[0], 16), int(w[1], 16)) for w in rows if len(w) >= 3}
        missing = [x for x in maps if (x['start'], x['end']) not in spans]
        t.check(not missing, 'raw mappings: /proc/PID/maps entries missing: %r'
                % missing[:3])

        # -o +COL appends to the default columns; --mappings drops the
        # summary; -s RSS sorts mapping rows by RSS, largest first.
        rc, out, err = mt.run_memmap('--mappings', '-o', '+DEV,INODE', pid,
                                     env=nocolor)
        t.eq(rc, 0, '-o +DEV,INODE: exit code (stderr %r)' % err)
        heads = [line.split() for line in out.splitlines()
                 if line.split()[:1] == ['ADDRESS']]
        t.check(heads and heads[0][-2:] == ['DEV', 'INODE'] and
                heads[0][:-2] == ['ADDRESS', 'PERMS', 'VSZ', 'RSS', 'PSS', 'SWAP',
                                  'LABEL', 'NAME'],
                '-o +DEV,INODE: heading %r' % heads)
        t.check(not any(line.split()[:2] == ['LABEL', 'VSZ'] for line in
                        out.splitlines()), '--mappings: the summary was printed')
        rc, out, err = mt.run_memmap('--mappings', '-r', '-n', '-b', '-s', 'RSS',
                                     '-o', 'START,END,RSS', pid, env=nocolor)
        t.eq(rc, 0, '-s RSS: exit code (stderr %r)' % err)
        spans = {(x['start'], x['end']) for x in maps}
        top = [(w[0], w[2]) for w in (line.split() for line in out.splitlines())
               if len(w) == 3 and (int(w[0], 16), int(w[1], 16)) in spans]
        rss = [int(w[1]) for w in top]
        t.check(rss and rss == sorted(rss, reverse=True),
                '-s RSS: mapping rows not by RSS descending: %r' % rss[:20])
        anon_s, anon_e = fx.range('anon')
        t.check(('%x' % anon_s, str(anon_e - anon_s)) in top,
                '-s RSS: no row for the touched anonymous mapping with its RSS')

        # --list-columns
        rc, out, err = mt.run_memmap('--list-columns')
        t.eq(rc, 0, '--list-columns: exit code')
        for col in ('ADDRESS', 'LABEL', 'START', 'END', 'PERMS', 'VSZ', 'RSS',
                    'PSS', 'SWAP', 'HOW', 'NAME', 'RESERVED', 'COUNT'):
            t.check(col in out.split(), '--list-columns: no %s' % col)

        # Colour: never with NO_COLOR or --color=never, even on a tty.
        for args, env, what in (([pid], {'NO_COLOR': '1'}, 'NO_COLOR=1'),
                                (['--color=never', pid], nocolor, '--color=never'),
                                (['-r', pid], {'NO_COLOR': '1'}, 'NO_COLOR=1 -r')):
            rc, out, err = mt.run_memmap(*args, env=env, binary=True)
            t.eq(rc, 0, '%s (pipe): exit code' % what)
            t.check(b'\x1b' not in out + err, '%s (pipe): ESC in the output' % what)
            rc, out = on_pty(args, env)
            t.eq(rc, 0, '%s (tty): exit code' % what)
            t.check(b'\x1b' not in out, '%s (tty): ESC in the output' % what)
        rc, out = on_pty(['-u', pid], nocolor)
        t.eq(rc, 0, 'auto (tty): exit code')
        t.check(b'\x1b[' in out, 'auto (tty, no NO_COLOR): no colour')
        t.check(b'\x1b[31mred' not in out, 'auto (tty): the file name\'s escape '
                'sequence reached the terminal')
        rc, out, err = mt.run_memmap('--color=always', '-u', pid, env=nocolor,
                                     binary=True)
        t.eq(rc, 0, '--color=always: exit code')
        t.check(b'\x1b[' in out, '--color=always: no colour')
        t.check(b'\x1b[31mred' not in out, '--color=always: the file name\'s '
                'escape sequence reached the output')

        # The evil name in every output form.
        evil = fx.info['dir'][0].encode() + b'/' + EVIL
        for args in (['-u'], ['-r'], ['-r', '-u', '--mappings', '-o', 'NAME'],
                     ['-u', '--mappings']):
            rc, out, err = mt.run_memmap(*(args + [pid]), env=nocolor, binary=True)
            what = ' '.join(args)
            t.eq(rc, 0, '%s: exit code' % what)
            t.check(control_bytes(out) == [], '%s: control bytes %s in the output'
                    % (what, control_bytes(out)))
            t.check(_utf8(out), '%s: output is not valid UTF-8' % what)
            t.check(b'red' in out, '%s: the evil file is not listed' % what)

        rc, out, err = mt.run_memmap('-J', pid, binary=True)
        t.eq(rc, 0, 'json: exit code')
        t.check(control_bytes(out) == [], 'json: raw control bytes %s'
                % control_bytes(out))
        try:
            snap = json.loads(out.decode('utf-8', 'strict'))
        except ValueError as ex:
            snap = None
            t.fail('json: not valid UTF-8 JSON: %s' % ex)
        if snap:
            s, e = fx.range('evil')
            m = mt.mapping_at(snap, s)
            if t.check(m is not None, 'json: no mapping at the evil file'):
                t.eq(m.get('path_hex', '').lower(), evil.hex(), 'json: path_hex')
                t.eq(m.get('path'), evil.decode('utf-8', 'replace'),
                     'json: path with U+FFFD')
                t.eq([r['label'] for r in m['regions']], ['file'],
                     'json: evil file labels')
            s, e = fx.range('file')
            m = mt.mapping_at(snap, s)
            if m is not None:
                t.check('path_hex' not in m, 'json: path_hex on a UTF-8 path')
    t.done()


def _utf8(b):
    try:
        b.decode('utf-8', 'strict')
        return True
    except UnicodeDecodeError:
        return False


if __name__ == '__main__':
    main()
