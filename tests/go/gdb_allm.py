# SPDX-License-Identifier: GPL-2.0-or-later
# gdb_allm.py: run inside gdb on a live Go process (as gdb_truth.py);
# prints one line "TRUTH {json}": the runtime's list of Ms (allm, linked
# through alllink), each as [thread id, g0.stack.lo, g0.stack.hi], read by
# gdb through the binary's DWARF (independently of memmap).
import json

import gdb

ms = []
m = gdb.parse_and_eval("'runtime.allm'")
while int(m) and len(ms) < 10000:
    g0 = m['g0']
    ms.append([int(m['procid']), int(g0['stack']['lo']), int(g0['stack']['hi'])])
    m = m['alllink']
print('TRUTH ' + json.dumps({'ms': ms}))
