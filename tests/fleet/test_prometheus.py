#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""memmap's metrics through the real thing, on 127.0.0.1 only: memmap
--prometheus --output-file writes into a textfile directory, `promtool check
metrics` accepts it, node_exporter's textfile collector exports it, and a
Prometheus server scraping node_exporter answers /api/v1/query with the
fixture's figures, compared with /proc/PID/smaps_rollup.  Both servers are
killed in a finally, every wait is bounded."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import memmaptest as mt  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def rollup(pid):
    out = {}
    with open('/proc/%d/smaps_rollup' % pid) as f:
        for ln in f:
            k, _, v = ln.partition(':')
            if v.strip().endswith('kB'):
                out[k] = int(v.split()[0]) * 1024
    return out


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def wait_for(what, fn, seconds):
    """fn() until it returns something true, for at most seconds."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            v = fn()
            if v:
                return v
        except (OSError, ValueError) as ex:
            last = ex
        time.sleep(0.25)
    mt.die('%s: not within %d s (%s)' % (what, seconds, last))


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def parse(text):
    """{(name, frozenset(labels)): value} of a text exposition."""
    out = {}
    for ln in text.splitlines():
        if not ln or ln.startswith('#'):
            continue
        series, _, value = ln.rpartition(' ')
        name, _, labels = series.partition('{')
        pairs = frozenset(tuple(p.split('=', 1)) for p in
                          labels.rstrip('}').split(',') if p) if labels else frozenset()
        out[(name, frozenset((k, v.strip('"')) for k, v in pairs))] = float(value)
    return out


def main():
    t = mt.Checker('fleet-prometheus')
    exporter = shutil.which('prometheus-node-exporter') or shutil.which('node_exporter')
    promtool = shutil.which('promtool')
    prometheus = shutil.which('prometheus')
    if not exporter or not promtool:
        mt.skip('prometheus-node-exporter or promtool not installed '
                '(scripts/install-deps installs them)')
    group = 'mmprom%d' % (os.getpid() % 100000)
    procs = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        fixture = os.path.join(tmp, group)
        shutil.copy(os.environ['MEMMAP_FACTORY'], fixture)
        textdir = os.path.join(tmp, 'textfile')
        os.mkdir(textdir)
        prom = os.path.join(textdir, 'memmap.prom')
        try:
            with mt.Fixture([fixture]) as fx:
                rc, out, err = mt.run_memmap('--prometheus', '--output-file', prom, fx.pid)
                t.eq(rc, 0, 'memmap --prometheus --output-file: exit 0 (%s)' % err.strip())
                t.eq(sorted(os.listdir(textdir)), ['memmap.prom'],
                     'only the renamed file is left in the textfile directory')
                text = open(prom).read()
                truth = rollup(fx.pid)
                pc = subprocess.run([promtool, 'check', 'metrics'], input=text,
                                    capture_output=True, text=True, timeout=30)
                t.check(pc.returncode == 0, 'promtool check metrics passes: %s %s'
                        % (pc.stdout.strip(), pc.stderr.strip()))
                t.check('timestamp' not in text and all(
                    len(ln.split(' ')) == 2 for ln in text.splitlines()
                    if ln and not ln.startswith('#')), 'no timestamps')
                m = parse(text)
                key = frozenset([('group', group)])
                t.eq(m.get(('memmap_rss_bytes', key)), float(truth['Rss']),
                     'memmap_rss_bytes{group} = smaps_rollup Rss')
                t.eq(m.get(('memmap_processes', key)), 1.0, 'memmap_processes{group}')
                anon = m.get(('memmap_label_rss_bytes', key | {('label', 'anon')}), 0)
                t.check(anon >= 1 << 20, 'memmap_label_rss_bytes{label="anon"} holds '
                        'the factory\'s 1 MiB (%r)' % anon)
                t.check(not any('pid' in dict(k) for _, k in m),
                        'no pid label without --per-pid')
                _, out, _ = mt.run_memmap('--prometheus', '--per-pid', fx.pid)
                t.check('pid="%d"' % fx.pid in out, '--per-pid: a pid label')

                port = free_port()
                ne = subprocess.Popen(
                    [exporter, '--collector.disable-defaults', '--collector.textfile',
                     '--collector.textfile.directory=' + textdir,
                     '--web.listen-address=127.0.0.1:%d' % port],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                procs.append(ne)
                url = 'http://127.0.0.1:%d/metrics' % port
                body = wait_for('node_exporter serving', lambda: get(url), 20)
                t.check('memmap_rss_bytes{group="%s"}' % group in body,
                        'node_exporter exports memmap_rss_bytes')
                t.check('node_textfile_scrape_error 0' in body,
                        'node_exporter read the textfile without error')
                if not prometheus:
                    t.note('prometheus not installed: the server part not run')
                    t.done()
                port2 = free_port()
                conf = os.path.join(tmp, 'prometheus.yml')
                with open(conf, 'w') as f:
                    f.write('global:\n  scrape_interval: 1s\n'
                            'scrape_configs:\n  - job_name: node\n'
                            '    static_configs:\n      - targets: ["127.0.0.1:%d"]\n'
                            % port)
                pr = subprocess.Popen(
                    [prometheus, '--config.file=' + conf,
                     '--storage.tsdb.path=' + os.path.join(tmp, 'data'),
                     '--web.listen-address=127.0.0.1:%d' % port2],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                procs.append(pr)
                query = 'memmap_rss_bytes{group="%s"}' % group
                qurl = 'http://127.0.0.1:%d/api/v1/query?query=%s' % (
                    port2, urllib.parse.quote(query))

                def answered():
                    r = json.loads(get(qurl))
                    return r['data']['result'] if r.get('status') == 'success' else None

                res = wait_for('Prometheus answering %s' % query, answered, 60)
                got = float(res[0]['value'][1])
                t.eq(got, float(truth['Rss']),
                     'Prometheus %s = the fixture\'s smaps_rollup Rss' % query)
                t.note('query %s returned %d (truth %d) in %.1f s'
                       % (query, got, truth['Rss'], time.monotonic() - started))
        finally:
            for p in reversed(procs):
                stop(p)
    t.done()


if __name__ == '__main__':
    main()
