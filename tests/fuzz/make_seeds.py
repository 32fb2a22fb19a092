#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the hand-made ELF seeds of tests/fuzz/corpus/{elf,go_dwarf}/.

Every file is built here from nothing (no copy of a real binary): a small
executable image with the section layout the labeller expects (text,
rodata, relro, data, a .bss running past the file), a Go build-info note, a
DWARF unit shaped like the Go runtime's types, a symbol table, and then
corrupt variants: truncated, counts that overflow, offsets past the end,
overlapping sections, compressed sections that do not inflate, cyclic types.
Run it to regenerate the committed seeds:  tests/fuzz/make_seeds.py
"""
import copy
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 1, 2, 3, 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_TLS, SHF_COMPRESSED = 1, 2, 4, 0x400, 0x800
PT_LOAD, PT_GNU_RELRO = 1, 0x6474e552
PF_X, PF_W, PF_R = 1, 2, 4


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


class Section:
    def __init__(self, name, type_, flags=0, addr=0, data=b"", size=None,
                 link=0, info=0, entsize=0, align=1, offset=None):
        self.name, self.type, self.flags, self.addr = name, type_, flags, addr
        self.data, self.link, self.info, self.entsize = data, link, info, entsize
        self.align = align
        self.size = len(data) if size is None else size
        self.offset = offset


def build_elf(sections, phdrs, etype=2, fixup=None):
    """sections: Section list (index 0, the null one, is added); alloc
    sections are placed at file offset == addr.  phdrs: tuples (type,
    flags, offset, vaddr, filesz, memsz, align)."""
    shstr = bytearray(b"\0")
    names = []
    for s in sections + [Section(".shstrtab", SHT_STRTAB)]:
        names.append(len(shstr))
        shstr += s.name.encode() + b"\0"
    all_secs = sections + [Section(".shstrtab", SHT_STRTAB, data=bytes(shstr))]
    body = bytearray(b"\0" * (64 + 56 * len(phdrs)))
    for s in all_secs:
        if s.type == SHT_NOBITS or (s.offset is not None and not s.data):
            s.offset = s.offset if s.offset is not None else (s.addr or len(body))
            continue
        off = s.offset if s.offset is not None else (s.addr if s.flags & SHF_ALLOC else len(body))
        if off == len(body) and not (s.flags & SHF_ALLOC):
            off = (len(body) + 7) & ~7
        if len(body) < off:
            body += b"\0" * (off - len(body))
        body[off:off + len(s.data)] = s.data
        s.offset = off
    shoff = (len(body) + 7) & ~7
    body += b"\0" * (shoff - len(body))
    body += b"\0" * 64
    for s, n in zip(all_secs, names):
        body += struct.pack("<IIQQQQIIQQ", n, s.type, s.flags, s.addr, s.offset,
                            s.size, s.link, s.info, s.align, s.entsize)
    hdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, b"\0" * 7,
                      etype, 62, 1, 0x1000, 64, shoff, 0, 64, 56, len(phdrs), 64,
                      len(all_secs) + 1, len(all_secs))
    body[0:64] = hdr
    for i, p in enumerate(phdrs):
        t, f, off, va, fs, ms, al = p
        body[64 + 56 * i:64 + 56 * (i + 1)] = struct.pack("<IIQQQQQQ", t, f, off, va, va, fs, ms, al)
    if fixup:
        fixup(body, shoff)
    return bytes(body)


def buildinfo(version=b"go1.22.12", cgo=False):
    mod = (b"path\texample.com/seed\nmod\texample.com/seed\t(devel)\t\n"
           b"build\tCGO_ENABLED=" + (b"1" if cgo else b"0") + b"\n")
    mod = b"\x30" * 16 + mod + b"\x31" * 16
    head = b"\xff Go buildinf:" + bytes([8, 2]) + b"\0" * 16
    return head + uleb(len(version)) + version + uleb(len(mod)) + mod


# ---- DWARF 4, one compile unit shaped like the Go runtime's types

DW_FORM_string, DW_FORM_ref4, DW_FORM_udata, DW_FORM_exprloc, DW_FORM_data1 = 0x08, 0x13, 0x0f, 0x18, 0x0b
ABBREVS = {  # code: (tag, children, [(attr, form)])
    1: (0x11, 1, [(0x03, DW_FORM_string)]),                      # compile_unit
    2: (0x34, 0, [(0x03, DW_FORM_string), (0x49, DW_FORM_ref4), (0x02, DW_FORM_exprloc)]),  # variable
    3: (0x13, 1, [(0x03, DW_FORM_string), (0x0b, DW_FORM_udata)]),  # structure_type
    4: (0x0d, 0, [(0x03, DW_FORM_string), (0x49, DW_FORM_ref4), (0x38, DW_FORM_udata)]),  # member
    5: (0x24, 0, [(0x03, DW_FORM_string), (0x0b, DW_FORM_udata), (0x3e, DW_FORM_data1)]),  # base_type
    6: (0x0f, 0, [(0x03, DW_FORM_string), (0x49, DW_FORM_ref4), (0x0b, DW_FORM_udata)]),  # pointer_type
    7: (0x01, 1, [(0x03, DW_FORM_string), (0x49, DW_FORM_ref4)]),  # array_type
    8: (0x21, 0, [(0x37, DW_FORM_udata)]),                        # subrange_type, count
    9: (0x16, 0, [(0x03, DW_FORM_string), (0x49, DW_FORM_ref4)]),  # typedef
}


def abbrev_table():
    out = bytearray()
    for code, (tag, ch, attrs) in ABBREVS.items():
        out += uleb(code) + uleb(tag) + bytes([ch])
        for a, f in attrs:
            out += uleb(a) + uleb(f)
        out += b"\0\0"
    return bytes(out + b"\0")


def die(code, label, *vals, children=None):
    return (code, label, vals, children or [])


def runtime_dies(cyclic=False):
    m = lambda name, typ, off: die(4, None, name, typ, off)
    types = [
        die(5, "uintptr", "uintptr", 8, 7),
        die(5, "uint64", "uint64", 8, 7),
        die(3, "heapArena", "runtime.heapArena", 0x400, children=[
            m("bitmap", "u64arr", 0), m("spans", "u64arr", 0x200)]),
        die(7, "u64arr", "[64]uint64", "uint64", children=[die(8, None, 64)]),
        die(6, "pHeapArena", "*runtime.heapArena", "heapArena", 8),
        die(7, "l2", "[4]*runtime.heapArena", "pHeapArena", children=[die(8, None, 4)]),
        die(6, "pl2", "*[4]*runtime.heapArena", "l2", 8),
        die(7, "l1", "[1]*[4]*runtime.heapArena", "pl2", children=[die(8, None, 1)]),
        die(6, "pu64", "*uint64", "uint64", 8),
        die(3, "sumslice", "[]runtime.pallocSum", 24, children=[
            m("array", "pu64", 0), m("len", "uintptr", 8), m("cap", "uintptr", 16)]),
        die(7, "sums", "[5][]runtime.pallocSum", "sumslice", children=[die(8, None, 5)]),
        die(3, "uslice", "[]uintptr", 24, children=[
            m("array", "pu64", 0), m("len", "uintptr", 8), m("cap", "uintptr", 16)]),
        die(3, "index", "runtime.scavengeIndex", 24, children=[m("chunks", "uslice", 0)]),
        die(3, "scav", "runtime.scav", 24, children=[m("index", "index", 0)]),
        die(3, "pageAlloc", "runtime.pageAlloc", 0x100, children=[
            m("summary", "sums", 0), m("chunks", "l1", 0x78), m("scav", "scav", 0x80)]),
        die(3, "mheap", "runtime.mheap", 0x400, children=[
            m("pages", "pageAlloc", 0), m("allspans", "uslice", 0x100),
            m("allArenas", "uslice", 0x118), m("arenas", "l1", 0x130)]),
        die(6, "pGcBits", "*runtime.gcBitsArena", "gcBits", 8),
        die(3, "gcBits", "runtime.gcBitsArena", 0x10000, children=[
            m("free", "uintptr", 0), m("next", "pGcBits", 8)]),
        die(3, "gcBitsArenas", "struct { free, next, current, previous }", 32, children=[
            m("free", "pGcBits", 0), m("next", "pGcBits", 8),
            m("current", "pGcBits", 16), m("previous", "pGcBits", 24)]),
        die(7, "buckhashArray", "runtime.buckhashArray", "pu64", children=[die(8, None, 179999)]),
        die(2, None, "runtime.mheap_", "mheap", b"\x03" + struct.pack("<Q", 0x403000)),
        die(2, None, "runtime.gcBitsArenas", "gcBitsArenas", b"\x03" + struct.pack("<Q", 0x403400)),
        die(2, None, "runtime.persistentChunks", "uintptr", b"\x03" + struct.pack("<Q", 0x403420)),
    ]
    if cyclic:  # a typedef loop and a struct that contains itself
        types += [
            die(9, "ta", "main.A", "tb"), die(9, "tb", "main.B", "ta"),
            die(3, "self", "main.T", 8, children=[m("a", "self", 0), m("b", "ta", 0)]),
            die(2, None, "main.x", "self", b"\x03" + struct.pack("<Q", 0x403500)),
            die(7, "arrself", "main.Arr", "arrself", children=[die(8, None, 1 << 62)]),
        ]
    return [die(1, None, "runtime", children=types)]


def encode_dies(dies):
    labels = {}

    def emit(ds, out, fix):
        for code, label, vals, children in ds:
            if label:
                labels[label] = len(out) + 11  # CU header is 11 bytes in v4
            out += uleb(code)
            for (attr, form), v in zip(ABBREVS[code][2], vals):
                if form == DW_FORM_string:
                    out += v.encode() + b"\0"
                elif form == DW_FORM_ref4:
                    fix.append((len(out), v))
                    out += b"\0\0\0\0"
                elif form == DW_FORM_udata:
                    out += uleb(v)
                elif form == DW_FORM_data1:
                    out += bytes([v])
                elif form == DW_FORM_exprloc:
                    out += uleb(len(v)) + v
            if ABBREVS[code][1]:
                emit(children, out, fix)
                out += b"\0"

    out, fix = bytearray(), []
    emit(dies, out, fix)
    for pos, label in fix:
        out[pos:pos + 4] = struct.pack("<I", labels[label])
    unit = struct.pack("<HIB", 4, 0, 8) + bytes(out)
    return struct.pack("<I", len(unit)) + unit


def compress(data):
    return struct.pack("<IIQQ", 1, 0, len(data), 1) + zlib.compress(data)


def symtab(names_values):
    strtab = bytearray(b"\0")
    syms = bytearray(b"\0" * 24)
    for name, value in names_values:
        syms += struct.pack("<IBBHQQ", len(strtab), 0x11, 0, 4, value, 8)
        strtab += name.encode() + b"\0"
    return bytes(syms), bytes(strtab)


def image(go=False, dwarf=None, compressed=False, extra=(), phdrs=None):
    """The base layout: one page of headers, then text, rodata, relro and
    data, and a .bss that runs two pages past the end of the file."""
    text = Section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0x1000, b"\xc3" * 0x80, align=16)
    rodata = Section(".rodata", SHT_PROGBITS, SHF_ALLOC, 0x2000, b"seed\0" * 8, align=8)
    secs = [text, rodata]
    if go:
        secs.append(Section(".go.buildinfo", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x2100,
                            buildinfo(), align=16))
    secs += [
        Section(".data.rel.ro", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x3000, b"\1" * 0x40, align=8),
        Section(".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x3040, b"\2" * 0x40, align=8),
        Section(".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x3100, b"\3" * 0x100, align=8),
        Section(".tbss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE | SHF_TLS, 0x3200, size=0x10, align=8),
        Section(".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 0x3200, size=0x3000, align=32),
    ]
    if dwarf is not None:
        info, abbrev = dwarf
        flags = SHF_COMPRESSED if compressed else 0
        if compressed:
            info, abbrev = compress(info), compress(abbrev)
        secs += [Section(".debug_abbrev", SHT_PROGBITS, flags, data=abbrev),
                 Section(".debug_info", SHT_PROGBITS, flags, data=info)]
        syms, strs = symtab([("runtime.mheap_", 0x403000), ("runtime.text", 0x401000),
                             ("runtime.etext", 0x401080), ("runtime.end", 0x406200)])
        strndx = len(secs) + 2  # +1 null section, +1 for .symtab itself
        secs += [Section(".symtab", SHT_SYMTAB, data=syms, link=strndx, info=1, entsize=24, align=8),
                 Section(".strtab", SHT_STRTAB, data=strs)]
    secs += list(extra)
    if phdrs is None:
        phdrs = [
            (PT_LOAD, PF_R, 0, 0, 0x1000, 0x1000, 0x1000),
            (PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x80, 0x80, 0x1000),
            (PT_LOAD, PF_R, 0x2000, 0x2000, 0x200, 0x200, 0x1000),
            (PT_LOAD, PF_R | PF_W, 0x3000, 0x3000, 0x200, 0x3200, 0x1000),
            (PT_GNU_RELRO, PF_R, 0x3000, 0x3000, 0x80, 0x80, 1),
        ]
    return secs, phdrs


def put(body, off, fmt, *v):
    body[off:off + struct.calcsize(fmt)] = struct.pack(fmt, *v)


# ---- amplification: files that cost far more than their size

def names_bomb(nsect, long):
    """One read-only PT_LOAD over the whole file; nsect allocated sections
    of 16 bytes in its second page, every one named by the same long-byte
    string (issue 19: memmap copied the name per section)."""
    shstr = b'\0.shstrtab\0' + b'n' * long + b'\0'
    strtab_off = 0x2000
    shoff = (strtab_off + len(shstr) + 63) & ~63
    nsh = nsect + 2
    size = shoff + 64 * nsh
    body = bytearray(shoff)
    body[0x1000:0x2000] = b'\xab' * 0x1000
    body[strtab_off:strtab_off + len(shstr)] = shstr
    body[0:64] = struct.pack('<4sBBBBB7sHHIQQQIHHHHHH', b'\x7fELF', 2, 1, 1, 0, 0,
                             b'\0' * 7, 3, 62, 1, 0, 64, shoff, 0, 64, 56, 1, 64,
                             nsh, 1)
    body[64:120] = struct.pack('<IIQQQQQQ', PT_LOAD, PF_R, 0, 0, 0, size, size, 0x1000)
    sh = bytearray(64)
    sh += struct.pack('<IIQQQQIIQQ', 1, SHT_STRTAB, 0, 0, strtab_off, len(shstr),
                      0, 0, 1, 0)
    one = 11  # offset of the long name
    for i in range(nsect):
        sh += struct.pack('<IIQQQQIIQQ', one, SHT_PROGBITS, SHF_ALLOC,
                          0x1000 + (i % 256) * 16, 0x1000 + (i % 256) * 16, 16,
                          0, 0, 1, 0)
    return bytes(body + sh)


def deflate_zeros(n):
    """A zlib stream of n zero bytes (n a multiple of 1 MiB), made fast: a
    full flush makes each MiB's block the same bytes, so one is repeated;
    then an empty final block and the Adler-32 of the whole."""
    chunk = bytes(1 << 20)
    z = zlib.compressobj(9)
    head = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(n >> 20):
        adler = zlib.adler32(chunk, adler)
    data = head + block * ((n >> 20) - 1) + b'\x03\x00' + struct.pack('>I', adler)
    return data


def zlib_bomb(inflated):
    """The Go-shaped image of image() (build info, DWARF, symbols, its
    loadable segments) whose .debug_info is inflated bytes of zeros,
    compressed; its Go version (1.25) has no row in go_offsets.c."""
    data = deflate_zeros(inflated)
    info = struct.pack('<IIQQ', 1, 0, inflated, 1) + data
    secs, phdrs = image(go=True, dwarf=(encode_dies(runtime_dies()), abbrev_table()))
    for s in secs:
        if s.name == '.debug_info':
            s.data, s.size, s.flags = info, len(info), SHF_COMPRESSED
    # A version memmap's offset table has no row for, so that the DWARF
    # (the bomb) is what memmap would read.
    return build_elf(secs, phdrs).replace(b'go1.22.12', b'go1.25.12')


def real_elves():
    """Small real executables built here from a few lines of C (none copied):
    with DWARF, with compressed DWARF, stripped (dynamic: no libc copied
    in).  Empty without gcc."""
    src = b"#include <stdio.h>\nint counter = 3;\nint main(void) { printf(\"%d\\n\", counter); return 0; }\n"
    out = {}
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, "hello.c")
        with open(c, "wb") as f:
            f.write(src)
        for name, flags in (("hello-g", ["-g"]), ("hello-gz", ["-g", "-gz"]),
                            ("hello-s", ["-s"])):
            exe = os.path.join(d, name)
            if subprocess.run(["gcc", "-Os", "-o", exe, c] + flags,
                              capture_output=True).returncode == 0:
                with open(exe, "rb") as f:
                    out[name] = f.read()
    return out


HOSTILE = [
    "caf\u00e9",                       # non-ASCII: bytes in the C locale
    "\x1b[31mred\x1b[0m\x1b]0;title\x07",  # ANSI escapes, an OSC title
    "\u009b2J\u0085c1",                # C1 controls
    "\u202eexe.so\u200b\u2066",         # bidi override, zero-width
    "a\nb\tc\rd\x7f\x01",              # C0 controls, a newline
    "\\012 literal",                   # a kernel-style escape, literally
    "\U0001f600 \uffff \ufeff",         # astral, noncharacter, BOM
]


def print_seeds():
    """Snapshots for snapshot_print: memmap's own JSON of sleep with hostile
    names in every string a printer shows, huge counters, and many
    regions."""
    with open(os.path.join(HERE, "corpus", "snapshot_load", "small-min.json")) as f:
        base = json.load(f)
    seeds = {}
    for i, name in enumerate(HOSTILE):
        s = copy.deepcopy(base)
        s["comm"], s["exe"], s["time"], s["kernel"] = name, "/usr/bin/" + name, name, name
        s["runtime"] = {"lang": "go", "version": name, "module": name, "cgo": True}
        for m in s["mappings"]:
            m["path"] = "/tmp/" + name
            m["deleted"] = i % 2 == 0
            for r in m["regions"]:
                r["detail"] = name
        s["warnings"] = [name, "/tmp/" + name + ": cannot open"]
        seeds["hostile-%d.json" % i] = s
    s = copy.deepcopy(base)
    for m in s["mappings"]:
        m["path"] = "/" + "d" * 250 + ("/" + "e" * 250) * 400
    seeds["long-path.json"] = s
    s = copy.deepcopy(base)
    m = s["mappings"][-1]
    size = 1 << 46	# 64 TiB, all of it resident
    m["end"] = hex(int(m["start"], 16) + size)
    for k in ("vsz", "rss", "pss", "private_dirty", "referenced"):
        m[k] = size
    m["regions"] = [dict(m["regions"][0], end=m["end"], vsz=size, rss=size,
                         pss=size, dirty=size)]
    seeds["huge-counters.json"] = s
    s = copy.deepcopy(base)
    m = s["mappings"][1]
    start, end = int(m["start"], 16), int(m["end"], 16)
    labels = ["exe.text", "go.heap", "python.arena", "hugetlb", "anon",
              "thread.guard", "glibc.mmap-chunk", "kernel.vdso"]
    step = (end - start) // 4096 // 64 * 4096 or 1
    for k in ("rss", "pss", "pss_dirty", "shared_clean", "referenced"):
        m[k] = 0	# the regions' shares need not be apportioned
    bounds = [start + k * step for k in range(64)] + [end]
    m["regions"] = [dict(m["regions"][0], start=hex(a), end=hex(b), vsz=b - a,
                         rss=0, pss=0, dirty=0, rss_exact=False,
                         label=labels[k % len(labels)],
                         detail=HOSTILE[k % len(HOSTILE)])
                    for k, (a, b) in enumerate(zip(bounds, bounds[1:]))]
    seeds["many-regions.json"] = s
    return {k: json.dumps(v, ensure_ascii=k.endswith("0.json")).encode()
            for k, v in seeds.items()}


def main():
    out = {"elf": {}, "go_dwarf": {}}
    dw = (encode_dies(runtime_dies()), abbrev_table())
    dw_cyc = (encode_dies(runtime_dies(cyclic=True)), abbrev_table())

    base = build_elf(*image())
    go = build_elf(*image(go=True, dwarf=dw))
    out["elf"]["exe-sections"] = base
    out["elf"]["go-exe-dwarf"] = go
    out["elf"]["go-exe-zdwarf"] = build_elf(*image(go=True, dwarf=dw, compressed=True))
    out["elf"]["lib-odd-size"] = base + b"\0"
    out["elf"]["truncated-in-phdrs"] = base[:64 + 56 * 2 + 20]
    out["elf"]["truncated-before-shdrs"] = base[:0x3200]
    out["elf"]["no-section-headers"] = build_elf(*image(), fixup=lambda b, shoff: put(b, 0x28, "<QIHHHHHH", 0, 0, 64, 56, 5, 64, 0, 0))
    out["elf"]["shnum-huge"] = build_elf(*image(), fixup=lambda b, shoff: put(b, 0x3c, "<H", 0xffff))
    out["elf"]["shoff-past-eof"] = build_elf(*image(), fixup=lambda b, shoff: put(b, 0x28, "<Q", 1 << 40))
    out["elf"]["phoff-past-eof"] = build_elf(*image(), fixup=lambda b, shoff: put(b, 0x20, "<Q", 0xfffffffffff0))
    out["elf"]["phnum-xnum"] = build_elf(*image(), fixup=lambda b, shoff: put(b, 0x38, "<H", 0xffff))
    out["elf"]["shstrndx-bad"] = build_elf(*image(), fixup=lambda b, shoff: put(b, 0x3e, "<H", 0xfffe))
    out["elf"]["overlapping-sections"] = build_elf(*image(extra=[
        Section(".over1", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0x1040, b"\x90" * 0x2000),
        Section(".over2", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 0x1000, size=1 << 63),
        Section(".wrap", SHT_PROGBITS, SHF_ALLOC, 0xfffffffffffff000, size=0x2000, offset=0),
        Section(".past-eof", SHT_PROGBITS, SHF_ALLOC, 0x2080, size=0x100000, offset=1 << 50),
    ]))
    out["elf"]["bad-compressed"] = build_elf(*image(extra=[
        Section(".rodata.z", SHT_PROGBITS, SHF_ALLOC | SHF_COMPRESSED, 0x2180,
                struct.pack("<IIQQ", 1, 0, 1 << 40, 1) + b"not zlib at all"),
        Section(".debug_info", SHT_PROGBITS, SHF_COMPRESSED, data=struct.pack("<IIQQ", 1, 0, 1 << 34, 1) + zlib.compress(b"x")[:5]),
    ]))
    out["elf"]["overlapping-loads"] = build_elf(*image(phdrs=[
        (PT_LOAD, PF_R | PF_X, 0, 0, 0x2000, 0x2000, 0x1000),
        (PT_LOAD, PF_R | PF_W, 0x1000, 0x1000, 0x3000, 0x5000, 0x1000),
        (PT_LOAD, PF_R, 0x3000, 0x800, 0x10, 0x10, 0x1000),
        (PT_GNU_RELRO, PF_R, 0, 0, 1 << 62, 1 << 62, 1),
        (PT_LOAD, PF_R | PF_W, 1 << 60, 1 << 60, 1 << 60, 1 << 61, 0),
    ]))
    out["elf"]["elf32-header"] = bytes(base[:4]) + b"\x01" + base[5:64]
    out["elf"]["big-endian-header"] = bytes(base[:5]) + b"\x02" + base[6:]
    bi = bytearray(buildinfo())
    bi[15] = 0  # not inline: the pre-1.18 pointer form
    out["elf"]["go-buildinfo-pointers"] = build_elf(*image(extra=[
        Section(".go.buildinfo", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x2100, bytes(bi))]))
    huge = bytearray(buildinfo())
    out["elf"]["go-buildinfo-huge-varint"] = build_elf(*image(extra=[
        Section(".go.buildinfo", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0x2100,
                bytes(huge[:32]) + b"\xff" * 9 + b"\x01")]))

    out["go_dwarf"]["runtime-types"] = go
    out["go_dwarf"]["runtime-types-zlib"] = out["elf"]["go-exe-zdwarf"]
    out["go_dwarf"]["cyclic-types"] = build_elf(*image(go=True, dwarf=dw_cyc))
    bad_ref = bytearray(dw[0])
    bad_ref[-40:-36] = b"\xff\xff\xff\x7f"
    out["go_dwarf"]["bad-ref"] = build_elf(*image(go=True, dwarf=(bytes(bad_ref), dw[1])))
    out["go_dwarf"]["unit-length-huge"] = build_elf(*image(go=True, dwarf=(b"\xff\xff\xff\xef" + dw[0][4:], dw[1])))
    out["go_dwarf"]["truncated-info"] = build_elf(*image(go=True, dwarf=(dw[0][:len(dw[0]) // 2], dw[1])))
    out["go_dwarf"]["zlib-wrong-size"] = build_elf(*image(go=True, extra=[
        Section(".debug_info", SHT_PROGBITS, SHF_COMPRESSED, data=struct.pack("<IIQQ", 1, 0, 3, 1) + zlib.compress(dw[0])),
        Section(".debug_abbrev", SHT_PROGBITS, 0, data=dw[1])]))

    out["snapshot_print"] = print_seeds()

    # elf_amp: both ELF targets' seeds, small real programs, and (replayed
    # in every build) the two bombs of issue 19 made small.
    out["elf_amp"] = dict(out["elf"])
    out["elf_amp"].update({"dwarf-" + k: v for k, v in out["go_dwarf"].items()})
    out["elf_amp"].update(real_elves())
    out["regressions/elf_amp"] = {
        "names-bomb": names_bomb(2000, 64 << 10),
        "zlib-bomb": zlib_bomb(64 << 20),
    }

    for target, files in out.items():
        d = os.path.join(HERE, target if "/" in target else os.path.join("corpus", target))
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    print("wrote", sum(len(f) for f in out.values()), "seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
