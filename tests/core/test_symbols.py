#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""core: --symbols, the symbol at an --address and the summary's note on a
label one symbol fills, against nm -S --size-sort of the factory's binary,
the addresses the factory printed, and gdb's `info symbol` on the live
fixture; and a factory whose symbol name holds an escape sequence.

usage: test_symbols.py"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

SECTION_LABELS = ('exe.text', 'exe.rodata', 'exe.data', 'exe.relro', 'exe.bss')


def nm_sized(path):
    """[(name, value, size, type letter)] of nm -S --size-sort --defined-only."""
    out = subprocess.run(['nm', '-S', '--size-sort', '--defined-only', path],
                         capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4:
            syms.append((f[3], int(f[0], 16), int(f[1], 16), f[2]))
    return syms


def gdb_info_symbol(pid, addr):
    """gdb's `info symbol ADDR` on the live process (attach, detach)."""
    p = subprocess.run(['gdb', '-nx', '-batch', '-p', str(pid),
                        '-ex', 'info symbol 0x%x' % addr],
                       capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    for line in p.stdout.splitlines():
        if ' in section ' in line:
            return line.strip()
    return None


def top_symbols(t, fx, exe):
    snap, rc, err = mt.memmap_json('--symbols=3', fx.pid)
    t.eq(rc, 0, '-J --symbols: exit (%s)' % err.strip())
    syms = snap.get('symbols', [])
    mine = [s for s in syms if s['image'] == exe]
    t.check(mine, 'the factory\'s own symbols are listed: %r' % syms[:3])
    bss_start, bss_end = fx.range('bss')
    nm = nm_sized(exe)
    # exe.bss: the largest is factory_bss, where the factory says it is,
    # of nm's size.
    first = [s for s in mine if s['label'] == 'exe.bss' and s['rank'] == 1]
    nm_bss = [s for s in nm if s[3] in 'bB']
    if t.check(first and nm_bss, 'an exe.bss symbol ranked first (%r)' % first):
        s = first[0]
        t.eq(s['name'], 'factory_bss', 'the largest exe.bss symbol')
        t.eq(int(s['address'], 16), bss_start, 'factory_bss: at the address the factory printed')
        t.eq(s['size'], bss_end - bss_start, 'factory_bss: its size as the factory made it')
        t.eq(s['size'], max(x[2] for x in nm_bss), 'factory_bss: the largest of nm\'s b/B')
    # Each label's ranks are nm's sizes, largest first, three at most.
    for label in SECTION_LABELS:
        ranked = sorted((s for s in mine if s['label'] == label), key=lambda s: s['rank'])
        t.check(len(ranked) <= 3, '%s: at most 3 symbols, got %d' % (label, len(ranked)))
        t.eq([s['rank'] for s in ranked], list(range(1, len(ranked) + 1)),
             '%s: ranks 1..n' % label)
        sizes = [s['size'] for s in ranked]
        t.eq(sizes, sorted(sizes, reverse=True), '%s: largest first' % label)
        for s in ranked:
            t.check(any(x[0] == s['name'] and x[2] == s['size'] for x in nm),
                    '%s: %s of size %d is in nm -S' % (label, s['name'], s['size']))
    text = [s for s in mine if s['label'] == 'exe.text' and s['rank'] == 1]
    nm_text = [x[2] for x in nm if x[3] in 'tT']
    if t.check(text and nm_text, 'an exe.text symbol ranked first'):
        t.eq(text[0]['size'], max(nm_text), 'the largest exe.text symbol: nm\'s largest t/T')

    # The table: LABEL SIZE ADDRESS SYMBOL NAME, five fields a raw row.
    rc, out, err = mt.run_memmap('--symbols=3', '--summary', '-r', '-b', fx.pid)
    t.eq(rc, 0, '--symbols -r: exit (%s)' % err.strip())
    rows = [line.split() for line in out.splitlines()]
    srows = [r for r in rows if len(r) == 5 and r[4] == exe]
    t.check(['exe.bss', str(bss_end - bss_start), '%x' % bss_start, 'factory_bss', exe]
            in srows, 'the table has factory_bss\'s row: %r' % srows[:6])
    t.eq(len(srows), len(mine), 'the table has as many of the factory\'s rows as the JSON')
    # The note: factory_bss is most of exe.bss, or it is not.
    cat = [c for c in snap['categories'] if c['label'] == 'exe.bss']
    rc, out, err = mt.run_memmap('--summary', fx.pid)
    note = re.search(r'(?m)^exe\.bss: (\d+)% of its VSZ is one symbol, factory_bss ', out)
    if cat and first:
        most = first[0]['size'] * 2 > cat[0]['vsz']
        t.eq(bool(note), most, 'the note on exe.bss (factory_bss %d of %d bytes)' %
             (first[0]['size'], cat[0]['vsz']))
        if note:
            t.eq(int(note.group(1)), first[0]['size'] * 100 // cat[0]['vsz'],
                 'the note\'s share, rounded down')


def address(t, fx, exe):
    bss_start, _ = fx.range('bss')
    addr = bss_start + 0x1234
    rc, out, err = mt.run_memmap('--address', '%x' % addr, fx.pid)
    t.eq(rc, 0, '--address in factory_bss: exit (%s)' % err.strip())
    m = re.search(r'symbol (\S+)\+0x([0-9a-f]+) ', out)
    if t.check(m, '--address names a symbol: %r' % out):
        t.eq((m.group(1), int(m.group(2), 16)), ('factory_bss', 0x1234), '--address: name+offset')
    if not shutil.which('gdb'):
        t.note('gdb not installed: the address not compared with gdb')
        return
    for key in ('bss', 'text', 'data'):
        s, e = fx.range(key)
        a = s + (e - s) // 3
        truth = gdb_info_symbol(fx.pid, a)
        rc, out, err = mt.run_memmap('--address', '%x' % a, fx.pid)
        m = re.search(r'symbol (\S+)\+0x([0-9a-f]+) ', out)
        # gdb: "factory_bss + 4660 in section .bss" ("NAME in section" at +0).
        g = re.match(r'(\S+)(?: \+ (\d+))? in section', truth or '')
        if not t.check(g, '%s: gdb info symbol 0x%x: %r' % (key, a, truth)):
            continue
        want = (g.group(1), int(g.group(2) or 0))
        got = (m.group(1), int(m.group(2), 16)) if m else None
        t.eq(got, want, '%s: --address 0x%x against gdb\'s info symbol' % (key, a))


def hostile_name(t, exe):
    """A symbol whose name holds ESC [31m: printed escaped, in JSON as
    \\u001b, never raw."""
    evil = b'fac\x1b[31mbss'
    with tempfile.TemporaryDirectory() as d:
        copy = os.path.join(d, 'factory')
        data = open(exe, 'rb').read()
        if data.count(b'factory_bss\0') == 0:
            t.fail('factory_bss not in the binary\'s strings')
            return
        with open(copy, 'wb') as f:
            f.write(data.replace(b'factory_bss\0', evil + b'\0'))
        os.chmod(copy, 0o755)
        with mt.Fixture([copy]) as fx:
            rc, out, err = mt.run_memmap('--symbols=1', '--summary', fx.pid, binary=True)
            t.check(b'\x1b' not in out, 'no raw ESC in the table')
            t.check(b'fac\\x1b[31mbss' in out, 'the name escaped in the table: %r' %
                    [x for x in out.splitlines() if b'bss' in x][:4])
            a = fx.range('bss')[0] + 16
            rc, out, err = mt.run_memmap('--address', '%x' % a, fx.pid, binary=True)
            t.check(b'\x1b' not in out and b'symbol fac\\x1b[31mbss+0x10' in out,
                    '--address: the name escaped: %r' % out[-200:])
            rc, out, err = mt.run_memmap('-J', '--symbols=1', fx.pid, binary=True)
            t.check(b'\x1b' not in out and b'fac\\u001b[31mbss' in out,
                    'JSON: the name as \\u001b')
            names = [s['name'] for s in json.loads(out).get('symbols', [])]
            t.check(evil.decode() in names, 'JSON: the name decodes to the bytes in the file')


LIB_CHILD = r'''
import ctypes, sys, time
ctypes.CDLL(sys.argv[1])
print('ready', flush=True)
time.sleep(1000)
'''


def lib_note(t):
    """A library whose .bss is one 1 MiB array, loaded by python3: the
    summary's note names the symbol and the library, as nm -S says."""
    with tempfile.TemporaryDirectory(prefix='memmap-sym.') as tmp:
        src, lib = os.path.join(tmp, 'big.c'), os.path.join(tmp, 'libbigbss.so')
        with open(src, 'w') as f:
            f.write('char big_bss_array[1 << 20];\nint touch(void) { return big_bss_array[0]; }\n')
        subprocess.run(['cc', '-shared', '-fPIC', '-o', lib, src], check=True)
        want = [s for s in nm_sized(lib) if s[0] == 'big_bss_array']
        t.eq(len(want), 1, 'nm -S lists big_bss_array in %s' % lib)
        with mt.Fixture([sys.executable, '-c', LIB_CHILD, lib]) as fx:
            rc, out, err = mt.run_memmap('--summary', fx.pid)
            m = re.search(r'(?m)^lib\.bss: (\d+)% of its VSZ is one symbol, (\S+) '
                          r'\((\S+)\) in (\S+)$', out)
            if t.check(m, 'no lib.bss note naming the library: %r' % out[-600:]):
                t.eq((m.group(2), m.group(4)), ('big_bss_array', 'libbigbss.so'),
                     'the lib.bss note: symbol and library')
                t.eq(m.group(3), '1M', 'the lib.bss note: size (nm: %d)' % want[0][2])


def main():
    t = mt.Checker()
    exe = os.path.realpath(os.environ['MEMMAP_FACTORY'])
    with mt.Fixture([exe]) as fx:
        top_symbols(t, fx, exe)
        address(t, fx, exe)
    hostile_name(t, exe)
    lib_note(t)
    rc, _, err = mt.run_memmap('--symbols=0', '1')
    t.eq(rc, 64, '--symbols=0: usage error (%s)' % err.strip())
    t.done()


if __name__ == '__main__':
    main()
