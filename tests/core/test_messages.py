#!/usr/bin/env python3
"""core: messages and exit codes when the output fails or an argument is
wrong, and hostile strings on every output path (issue 19, items 6 and 11).

    test_messages.py [full|address|json-controls|diff-time|go-version|
                      root-hint|all]

full: --svg, -J, the tables, --save and --list-columns into /dev/full say
"No space left on device" and exit 74 (the output could not be written),
not 2 (the process could not be read) and not 0.  address: --address=-1
is a usage error, not 0xffffffffffffffff.  json-controls: -J writes C1
and bidi controls as \\u escapes, never raw.  diff-time: a snapshot file's
"time" reaches the --diff header escaped.  go-version: a Go binary whose
.go.buildinfo version holds an escape sequence shows it escaped in the
table header.  root-hint: root, denied the memory (by an LD_PRELOAD shim
standing in for a security module), is not told to run as root."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import memmaptest as mt  # noqa: E402

EXIT_OUTPUT = 74
ENOSPC = 'No space left on device'


def to_full(*args):
    """memmap args with stdout on /dev/full: (rc, stderr)."""
    with open('/dev/full', 'wb') as full:
        p = subprocess.run([mt.memmap_path()] + [str(a) for a in args],
                           stdin=subprocess.DEVNULL, stdout=full,
                           stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr.decode('utf-8', 'replace')


def full(t, pid):
    rc, out, err = mt.run_memmap('--svg', '/dev/full', '--summary', pid)
    t.eq(rc, EXIT_OUTPUT, '--svg /dev/full: exit code (stderr %r)' % err)
    t.check(ENOSPC in err and '/dev/full' in err,
            '--svg /dev/full: stderr %r does not say %r' % (err, ENOSPC))
    t.check('LABEL' in out, '--svg /dev/full: the summary is still printed')

    rc, out, err = mt.run_memmap('--save', '/dev/full', '--summary', pid)
    t.eq(rc, EXIT_OUTPUT, '--save /dev/full: exit code (stderr %r)' % err)
    t.check(ENOSPC in err, '--save /dev/full: stderr %r' % err)

    for args in (['-J', pid], ['--summary', pid], [pid],
                 ['--diff', pid, pid], ['--diff', pid, '-J', pid]):
        rc, err = to_full(*args)
        t.eq(rc, EXIT_OUTPUT, '%r > /dev/full: exit code (stderr %r)' % (args, err))
        t.check(ENOSPC in err and err.startswith('memmap: '),
                '%r > /dev/full: stderr %r does not say %r' % (args, err, ENOSPC))
        t.check(len(err.strip().split('\n')) == 1,
                '%r > /dev/full: stderr %r is not one line' % (args, err))

    for args in (['--list-columns'], ['--list-columns', '-r']):
        rc, err = to_full(*args)
        t.check(rc != 0, '%r > /dev/full: exit 0' % (args,))
        t.check(ENOSPC in err, '%r > /dev/full: stderr %r' % (args, err))


def address(t, pid):
    for bad in ('-1', '-0x10', ' 10', '+10', ''):
        rc, out, err = mt.run_memmap('--address=' + bad, pid)
        t.eq(rc, 64, '--address=%r: exit code (stdout %r)' % (bad, out[:100]))
        t.check('--address' in err, '--address=%r: stderr %r' % (bad, err))
    rc, out, err = mt.run_memmap('--address=0x10', pid)
    t.eq(rc, 0, '--address=0x10: exit code (stderr %r)' % err)


# C1 CSI (U+009B), NEL (U+0085), bidi overrides and isolates, marks.
HIDDEN = ['\u009b', '\u0085', '\u202a', '\u202e', '\u2066', '\u2069',
          '\u200e', '\u200f']


def json_controls(t, factory, d):
    name = 'ctl' + ''.join(HIDDEN) + 'end.dat'
    path = os.path.join(d, name)
    with open(path, 'wb') as f:
        f.write(b'\0' * 4096)
    with mt.Fixture([factory, '--map', path]) as fx:
        rc, out, err = mt.run_memmap('-J', fx.pid, binary=True)
        t.check(rc in (0, 1), '-J: exit %d (stderr %r)' % (rc, err))
        for ch in HIDDEN:
            t.check(ch.encode() not in out,
                    '-J writes U+%04X raw' % ord(ch))
            t.check(('\\u%04x' % ord(ch)).encode() in out,
                    '-J does not write U+%04X as \\u%04x' % (ord(ch), ord(ch)))
        snap = json.loads(out)
        paths = [m['path'] for m in snap['mappings']]
        t.check(path in paths, 'the JSON path does not decode to the name: %r'
                % [p for p in paths if p and 'ctl' in p])


def diff_time(t, pid, d):
    snap, rc, err = mt.memmap_json(pid)
    snap['time'] = 'x\x1b[2J\x1b]0;pwned\x07\u009by'
    f = os.path.join(d, 'evil-time.json')
    with open(f, 'w') as fh:
        json.dump(snap, fh)
    rc, out, err = mt.run_memmap('--diff', f, f, binary=True)
    t.eq(rc, 0, '--diff with a hostile time: exit (stderr %r)' % err)
    t.check(b'\x1b' not in out and b'\x07' not in out and b'\xc2\x9b' not in out,
            '--diff header holds raw controls: %r' % out[:300])
    t.check(b'x\\x1b[2J' in out, '--diff header lacks the escaped time: %r'
            % out[:300])


def go_version(t, d):
    build = os.environ.get('MEMMAP_BUILD', '')
    idle = sorted(glob.glob(os.path.join(build, 'tests', 'go', 'go1.*-idle')))
    if not idle:
        t.note('no Go fixture built: go-version case not run')
        return
    data = bytearray(open(idle[-1], 'rb').read())
    at = data.find(b'\xff Go buildinf:')
    if at < 0 or data[at + 15] & 2 == 0:	# flag 2: strings inline
        t.note('%s: no inline .go.buildinfo: go-version case not run' % idle[-1])
        return
    n = data[at + 32]			# varint; versions are short
    old = bytes(data[at + 33:at + 33 + n])
    new = (b'go\x1b[7m' + old[2:])[:n]
    data[at + 33:at + 33 + n] = new
    exe = os.path.join(d, 'go-evil-version')
    with open(exe, 'wb') as f:
        f.write(data)
    os.chmod(exe, 0o755)
    with mt.Fixture([exe], timeout=60) as fx:
        rc, out, err = mt.run_memmap('--summary', fx.pid, binary=True)
        head = out.split(b'\n')[0]
        t.check(rc in (0, 1), 'Go with %r: exit %d (stderr %r)' % (new, rc, err))
        t.check(b'\x1b' not in head, 'header holds a raw ESC: %r' % head)
        t.check(b'go\\x1b[7m' in head, 'header lacks the escaped version: %r' % head)


def root_hint(t, pid):
    if os.geteuid() != 0:
        t.note('not root: root-hint case not run')
        return
    shim = os.environ.get('MEMMAP_DENY_MEM') or mt.die('MEMMAP_DENY_MEM unset')
    asan = os.environ.get('ASAN_OPTIONS', '')
    env = {'LD_PRELOAD': shim,
           # a sanitized memmap: the shim may come before the ASan runtime
           'ASAN_OPTIONS': (asan + ':' if asan else '') + 'verify_asan_link_order=0'}
    rc, out, err = mt.run_memmap('--summary', pid, env=env)
    t.check(rc in (0, 1), 'memory denied: exit %d (stderr %r)' % (rc, err))
    t.check('cannot read its memory' in err,
            'memory denied: no warning about it in %r' % err)
    t.check('run as root' not in err, 'root is told to run as root: %r' % err)


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else 'all'
    t = mt.Checker('core-messages-' + part)
    factory = os.environ.get('MEMMAP_FACTORY') or mt.die('MEMMAP_FACTORY unset')
    with tempfile.TemporaryDirectory(prefix='memmap-msg.') as d, \
            mt.Process([shutil.which('sleep'), '1000']) as p:
        if part in ('full', 'all'):
            full(t, p.pid)
        if part in ('address', 'all'):
            address(t, p.pid)
        if part in ('json-controls', 'all'):
            json_controls(t, factory, d)
        if part in ('diff-time', 'all'):
            diff_time(t, p.pid, d)
        if part in ('go-version', 'all'):
            go_version(t, d)
        if part in ('root-hint', 'all'):
            root_hint(t, p.pid)
    t.done()


if __name__ == '__main__':
    main()
