#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""reliability: huge pages from the hugetlb pool are memory like any other.

smaps leaves them out of Rss (it lists Private_Hugetlb and Shared_Hugetlb
apart), and /proc/PID/status out of VmRSS (HugetlbPages).  The hugetlb
fixture maps private and shared MAP_HUGETLB memory and a hugetlbfs file
(vm.nr_hugepages raised for the test and restored): each mapping is
labelled `hugetlb` with RSS its full size (every page touched), and the
RSS total reconciles with VmRSS + HugetlbPages, which the JSON status
carries as hugetlb_pages.

usage: test_hugetlb.py [all]"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

NR = '/proc/sys/vm/nr_hugepages'
PAGES = 8	# 4 for the fixture, and room for whatever else uses the pool


def read_nr():
    with open(NR) as f:
        return int(f.read())


def write_nr(n):
    with open(NR, 'w') as f:
        f.write('%d\n' % n)


def check(t, fx):
    snap, rc, err = mt.memmap_json(fx.pid)
    t.eq(rc, 0, 'exit code (stderr %r)' % err)
    mt.check_snapshot(t, snap, fx.pid)
    for key in ('private', 'shared', 'file'):
        if key not in fx.info:
            continue
        s, e = fx.range(key)
        m = mt.mapping_at(snap, s)
        if not t.check(m and mt.h(m['start']) == s and mt.h(m['end']) == e,
                       '%s: the mapping %x-%x' % (key, s, e)):
            continue
        t.eq([r['label'] for r in m['regions']], ['hugetlb'], key + ': labels')
        t.eq(m['rss'], e - s, key + ': rss (every huge page touched)')
        t.eq(sum(r['rss'] for r in m['regions']), e - s, key + ': regions rss')
    st = mt.proc_status(fx.pid)
    huge = mt.status_bytes(st, 'HugetlbPages')
    t.eq(snap['status'].get('hugetlb_pages'), huge, 'status.hugetlb_pages')
    want = mt.status_bytes(st, 'VmRSS') + huge
    got = snap['totals']['rss']
    t.check(abs(got - want) <= want // 50 + 256 * 1024,
            'totals.rss %d vs VmRSS + HugetlbPages %d' % (got, want))
    cat = {c['label']: c for c in snap['categories']}
    t.eq(cat.get('hugetlb', {}).get('rss'), huge, 'the hugetlb category')
    rc, out, err = mt.run_memmap(fx.pid)
    t.check('+ HugetlbPages' in out, 'the table reconciles with HugetlbPages')


def main():
    t = mt.Checker('reliability-hugetlb')
    fixture = os.environ.get('MEMMAP_HUGETLB')
    if not fixture:
        mt.die('MEMMAP_HUGETLB is not set')
    if os.geteuid() != 0:
        mt.skip('raising vm.nr_hugepages and mounting hugetlbfs need root')
    if not os.path.exists(NR):
        mt.skip('no hugetlb support in this kernel (%s)' % NR)
    old = read_nr()
    mnt = tempfile.mkdtemp(prefix='memmap-hugetlbfs.')
    mounted = False
    try:
        write_nr(old + PAGES)
        mounted = subprocess.run(['mount', '-t', 'hugetlbfs', 'none', mnt],
                                 capture_output=True).returncode == 0
        if not mounted:
            t.note('no hugetlbfs mount here: the file case is left out')
        args = [fixture] + ([mnt] if mounted else [])
        with mt.Fixture(args) as fx:
            if 'nohuge' in fx.info:
                mt.skip('the hugetlb pool cannot give 4 pages: ' +
                        ' '.join(fx.info['nohuge']))
            check(t, fx)
    finally:
        if mounted:
            subprocess.run(['umount', mnt], capture_output=True)
        os.rmdir(mnt)
        write_nr(old)
    t.done()


if __name__ == '__main__':
    main()
