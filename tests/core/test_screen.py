# SPDX-License-Identifier: GPL-2.0-or-later
"""core: what a user sees in a real terminal (tmux, 80x24 and 200x50): the
first screen holds the header, the labels with the most RSS and the totals
without scrolling; no row wraps; the mapping tree keeps basenames; --explain
breaks between words.  Checked by content: which rows are visible.

usage: test_screen.py"""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

SOCKET = 'memmap-test-%d' % os.getpid()


def tmux(*args, check=True):
    return subprocess.run(['tmux', '-L', SOCKET] + list(args), check=check,
                          capture_output=True, text=True)


def screen(cmd, width, height, done):
    """Runs cmd in a width x height tmux pane; returns the pane's rows once
    done (a regex) shows, and the whole history with scrolled-off rows."""
    tmux('kill-server', check=False)
    shell = 'export LC_ALL=C.UTF-8 NO_COLOR=1; unset COLUMNS LINES; %s; sleep 60' % cmd
    tmux('-f', '/dev/null', 'new-session', '-d', '-x', str(width), '-y', str(height),
         shell)
    deadline = time.monotonic() + 30
    rows = []
    while time.monotonic() < deadline:
        rows = tmux('capture-pane', '-p').stdout.splitlines()
        if any(re.search(done, r) for r in rows):
            break
        time.sleep(0.2)
    history = tmux('capture-pane', '-p', '-S', '-').stdout.splitlines()
    tmux('kill-server', check=False)
    return rows, history


def first_screen(t, pid, snap, width, height):
    what = '%dx%d' % (width, height)
    rows, history = screen('%s %d' % (mt.memmap_path(), pid), width, height,
                           r'^\(--mappings')
    t.note('%s first screen:\n%s' % (what, '\n'.join(rows)))
    t.check(rows and rows[0].startswith('pid %d ' % pid),
            '%s: the header is the first row, nothing scrolled off' % what)
    t.check(len(history) <= height, '%s: %d rows printed for %d lines' %
            (what, len(history), height))
    head = [i for i, r in enumerate(rows) if r.split()[:2] == ['LABEL', 'VSZ']]
    if not t.check(head, '%s: the summary heading is visible' % what):
        return
    heading = rows[head[0]].split()
    for col in ('RSS', '%RSS', 'PSS', 'USS', 'BAR'):
        t.check(col in heading, '%s: column %s in the heading %r' % (what, col, heading))
    labels = {c['label']: c for c in snap['categories']}
    body = []
    for r in rows[head[0] + 1:]:
        if not r.strip():
            break
        body.append(r)
    shown = [r.split()[0] for r in body if r.split()[0] in labels]
    more = [r for r in body if r.startswith('+')]
    # Every row is a whole label row: a wrapped one would leave its numbers
    # on a row of their own.
    t.check(all(r.split()[0] in labels or r.startswith('+') for r in body),
            '%s: every summary row starts with a label: %r' % (what, body))
    t.check(all(len(r.split()) >= len(heading) - 1 for r in body),
            '%s: every summary row has its numbers: %r' % (what, body))
    # Shown: the largest shares of RSS or of VSZ (what holds the memory,
    # and what holds the address space), in RSS order.
    tot_rss = sum(c['rss'] for c in labels.values()) or 1
    tot_vsz = sum(c['vsz'] for c in labels.values()) or 1

    def share(c):
        return max(c['rss'] / tot_rss, c['vsz'] / tot_vsz)
    low = min((share(labels[lb]) for lb in shown), default=0)
    t.check(all(share(c) <= low + 1e-3 for c in labels.values() if c['label'] not in shown),
            '%s: the labels shown hold the largest shares: %r' % (what, shown))
    hidden = len(labels) - len(shown)
    if hidden:
        t.check(more and more[0].startswith('+%d more' % hidden),
                '%s: the %d labels not shown are added up: %r' % (what, hidden, more))
    else:
        t.check(not more, '%s: no "+N more" row when all fit: %r' % (what, more))
    text = '\n'.join(rows)
    for pat, name in ((r'(?m)^total VSZ .* RSS .* PSS .* USS ', 'the total line'),
                      (r'(?m)^status: VmSize', 'the status line'),
                      (r'(?m)^RSS by family: ', 'the family line'),
                      (r'(?m)^\(--mappings', 'the way to the tree')):
        t.check(re.search(pat, text), '%s: %s is visible' % (what, name))
    t.check(not re.search(r'(?m)^[0-9a-f]{8,} ', text),
            '%s: no mapping rows on the first screen' % what)
    return len(shown), hidden


def mappings(t, pid, width):
    what = '--mappings %d' % width
    _, history = screen('%s --mappings %d' % (mt.memmap_path(), pid), width, 24,
                        r'^total VSZ')
    head = [i for i, r in enumerate(history) if r.startswith('ADDRESS ')]
    if not t.check(head, '%s: the tree heading' % what):
        return
    tree = []
    for r in history[head[0] + 1:]:
        if not r.strip():
            break
        tree.append(r)
    bad = [r for r in tree if not re.match(r'^([0-9a-f]{6,}|[\u251c\u2514]\u2500[0-9a-f]{6,}) ', r)]
    t.check(tree and not bad, '%s: every row starts with an address (none wrapped): %r'
            % (what, bad[:3]))
    libs = [r for r in tree if re.search(r'lib\.text', r)]
    t.check(libs and all(re.search(r'(^|/)[^/ ]+\.so[.0-9]*$', r.split()[-1]) for r in libs),
            '%s: library rows end with their basename: %r' % (what, libs[:3]))
    cut = [r for r in tree if '\u2026' in r]
    if width == 80:
        t.check(cut, '%s: long paths are cut with an ellipsis' % what)
        t.check(all(re.search(r'\u2026/?[^\u2026]+$', r) for r in cut),
                '%s: names are cut at their beginning: %r' % (what, cut[:3]))
    else:
        t.check(not cut, '%s: nothing cut at this width: %r' % (what, cut[:3]))


def explain(t, pid):
    rc, piped, _ = mt.run_memmap('--explain', pid, env={'NO_COLOR': '1'})
    t.eq(rc, 0, '--explain piped: exit')
    _, history = screen('%s --explain %d' % (mt.memmap_path(), pid), 80, 24,
                        r'^  kernel\.vvar:')
    start = [i for i, r in enumerate(history) if r.startswith('VSZ is address space')]
    if not t.check(start, '--explain 80: the explanations are there'):
        return
    para = history[start[0]:]
    para = para[:[i for i, r in enumerate(para) if r.startswith('  kernel.vvar:')][0] + 2]
    # Numbers may move between the two runs; the words may not.
    def words(text):
        return [re.sub(r'[0-9.]+[BKMGT%]?', '#', w) for w in text.split()]
    want = words(piped[piped.index('VSZ is address space'):])
    got = words(' '.join(para))
    n = min(len(got), len(want))
    diff = [i for i in range(n) if got[i] != want[i]]
    t.check(not diff and n > 50, '--explain 80: the same words as piped, none broken%s'
            % (': %r vs %r' % (got[diff[0]:diff[0] + 5], want[diff[0]:diff[0] + 5])
               if diff else ''))
    t.check(all(len(r) < 80 or r[79] != ' ' for r in para),
            '--explain 80: wrapped lines fit')


def main():
    t = mt.Checker('core-screen')
    if not shutil.which('tmux'):
        mt.skip('tmux is not installed (scripts/install-deps installs it)')
    py = shutil.which('python3')
    # ctypes: a library with a long path under lib-dynload.
    with mt.Process([py, '-c', 'import ctypes, time; time.sleep(600)']) as proc:
        snap, _, _ = mt.memmap_json(proc.pid)
        shown, hidden = first_screen(t, proc.pid, snap, 80, 24) or (0, 0)
        t.check(shown >= 8, '80x24: at least 8 labels shown (%d)' % shown)
        first_screen(t, proc.pid, snap, 200, 50)
        mappings(t, proc.pid, 80)
        mappings(t, proc.pid, 200)
        explain(t, proc.pid)
    t.done()


if __name__ == '__main__':
    main()
