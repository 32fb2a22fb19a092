/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label_jvm.c: HotSpot's mappings, found through its own tables (the
 * serviceability agent's gHotSpotVMStructs): the Java heap the collector
 * reserved, the code cache, the card table, the CDS archive, and each Java
 * thread's stack with the guard zone the JVM protects at its low end.
 * Every range read must lie in mappings of the right kind before it is
 * labelled.  Metaspace, the compressed class space and G1's side tables,
 * which the tables do not reach, are found through libjvm's .symtab and
 * proven by vtables and shape. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtimes/jvm/jvm_probe.h"

#define MAX_THREADS	100000	/* a thread list longer than this is not one */
#define MAX_CODE_HEAPS	16
#define MAX_FLAGS	8192

struct jvm {
	struct mm_classify *ctx;
	const struct mm_image *img;	/* libjvm.so */
	const struct mm_jvm_vmstructs *vs;
	uint64_t page;
};

static bool word(struct jvm *j, uint64_t addr, uint64_t *v)
{
	return addr && mm_target_read_word(j->ctx->target, addr, v) == 0;
}

/* The word at obj + Type::name's offset. */
static bool field(struct jvm *j, uint64_t obj, const char *type, const char *name, uint64_t *v)
{
	uint64_t off;

	return obj && mm_jvm_offset(j->vs, type, name, &off) && word(j, obj + off, v);
}

static bool field32(struct jvm *j, uint64_t obj, const char *type, const char *name,
		    uint32_t *v)
{
	uint64_t off;

	return obj && mm_jvm_offset(j->vs, type, name, &off) &&
	       mm_target_read(j->ctx->target, obj + off, v, sizeof(*v)) == 0;
}

static bool static_word(struct jvm *j, const char *type, const char *name, uint64_t *v)
{
	uint64_t at;

	return mm_jvm_static(j->vs, type, name, &at) && word(j, at, v);
}

/* The flags memmap asks HotSpot's flag table for. */
enum jvm_flag {
	F_G1, F_PARALLEL, F_SERIAL, F_Z, F_SHENANDOAH, F_EPSILON,
	F_STACK_RED, F_STACK_YELLOW, F_STACK_RESERVED, F_COUNT
};

static const char *const flag_names[F_COUNT] = {
	"UseG1GC", "UseParallelGC", "UseSerialGC", "UseZGC", "UseShenandoahGC",
	"UseEpsilonGC", "StackRedPages", "StackYellowPages", "StackReservedPages",
};

/* Reads the flags of flag_names[] in one pass over the flag table: each
 * value (a bool's first byte, an intx's word) and whether it was found. */
static void read_flags(struct jvm *j, uint64_t v[F_COUNT], bool found[F_COUNT])
{
	uint64_t flags, n, size, name_off, addr_off;

	memset(found, 0, F_COUNT * sizeof(*found));
	if (!static_word(j, "JVMFlag", "flags", &flags) ||
	    !static_word(j, "JVMFlag", "numFlags", &n) ||
	    !mm_jvm_type_size(j->vs, "JVMFlag", &size) || size < 16 || size > 256 ||
	    !mm_jvm_offset(j->vs, "JVMFlag", "_name", &name_off) ||
	    !mm_jvm_offset(j->vs, "JVMFlag", "_addr", &addr_off) || n > MAX_FLAGS) {
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t at = flags + i * size, s, addr;
		char buf[24];

		if (!word(j, at + name_off, &s)) {
			return;
		}
		/* The longest name asked for fits buf with its NUL. */
		if (!s || mm_jvm_read(j->ctx, s, buf, 1) || (buf[0] != 'U' && buf[0] != 'S')) {
			continue;
		}
		for (int f = 0; f < F_COUNT; f++) {
			size_t len = strlen(flag_names[f]) + 1;

			if (found[f] || mm_jvm_read(j->ctx, s, buf, len) ||
			    memcmp(buf, flag_names[f], len)) {
				continue;
			}
			found[f] = word(j, at + addr_off, &addr) && word(j, addr, &v[f]);
			break;
		}
	}
}

/* [lo, hi) page-aligned, mapped without a hole, and each mapping private
 * anonymous memory (or, with jsa, the CDS archive mapped from its file). */
static bool mapped_as(struct jvm *j, uint64_t lo, uint64_t hi, bool jsa)
{
	const struct mm_snapshot *snap = j->ctx->snap;
	const struct mm_mapping *m = mm_snapshot_find(snap, lo);

	if (lo >= hi || ((lo | hi) & (j->page - 1)) || !m) {
		return false;
	}
	for (uint64_t at = lo; at < hi; m++) {
		size_t len;

		if (m >= snap->mappings + snap->nmappings || m->start > at ||
		    !(mm_mapping_is_anon_private(m) ||
		      (jsa && m->path && (len = strlen(m->path)) > 4 &&
		       !strcmp(m->path + len - 4, ".jsa")))) {
			return false;
		}
		at = m->end;
		if (at > hi) {
			break;
		}
	}
	return true;
}

/* Labels [lo, hi): anon parts, and the CDS archive's file mappings (the
 * kernel called them file) when jsa. */
static int label(struct jvm *j, uint64_t lo, uint64_t hi, enum mm_label label,
		 const char *detail, bool jsa)
{
	struct mm_snapshot *snap = j->ctx->snap;
	struct mm_mapping *m = mm_snapshot_find(snap, lo);
	int rc = 0;

	for (; !rc && m && m < snap->mappings + snap->nmappings && m->start < hi; m++) {
		bool file = jsa && m->path;

		rc = mm_mapping_label(m, lo > m->start ? lo : m->start, hi < m->end ? hi : m->end,
				      label, MM_HOW_RUNTIME, detail, file ? 0 : MM_ONLY_ANON);
	}
	return rc;
}

static uint64_t page_down(struct jvm *j, uint64_t a)
{
	return a & ~(j->page - 1);
}

static uint64_t page_up(struct jvm *j, uint64_t a)
{
	return (a + j->page - 1) & ~(j->page - 1);
}

static const char *collector(const uint64_t v[F_COUNT], const bool found[F_COUNT])
{
	static const char *const names[] = {
		[F_G1] = "G1", [F_PARALLEL] = "Parallel", [F_SERIAL] = "Serial", [F_Z] = "Z",
		[F_SHENANDOAH] = "Shenandoah", [F_EPSILON] = "Epsilon",
	};

	for (int f = F_G1; f <= F_EPSILON; f++) {
		if (found[f] && (v[f] & 0xff)) {
			return names[f];
		}
	}
	return NULL;
}

/* Serial's used bytes: each space's [bottom, top), eden, from and to of
 * the young generation and the old generation's one. */
static void serial_used(struct jvm *j, uint64_t heap, struct mm_jvm_totals *t)
{
	static const char *const young[] = { "_eden_space", "_from_space", "_to_space" };
	uint64_t young_gen, old_gen, sp, lo, hi, used = 0;

	if (!field(j, heap, "GenCollectedHeap", "_young_gen", &young_gen) ||
	    !field(j, heap, "GenCollectedHeap", "_old_gen", &old_gen)) {
		return;
	}
	for (int s = 0; s < 4; s++) {
		if (!(s < 3 ? field(j, young_gen, "DefNewGeneration", young[s], &sp) :
			      field(j, old_gen, "TenuredGeneration", "_the_space", &sp)) ||
		    !field(j, sp, "ContiguousSpace", "_bottom", &lo) ||
		    !field(j, sp, "ContiguousSpace", "_top", &hi) || lo > hi) {
			return;
		}
		used += hi - lo;
	}
	t->heap_used = used;
	t->has_used = true;
}

/* The heap's committed and used bytes from the collector's own fields,
 * where the tables reach them. */
static void heap_totals(struct jvm *j, const char *gc, uint64_t heap, struct mm_jvm_totals *t)
{
	uint64_t mm, a, b, c, gen, vsp, sp, lo, hi;

	/* The members' names: JDK 17's, else JDK 11's. */
	bool new = mm_jvm_field(j->vs, "G1MonitoringSupport", "_eden_space_committed") != NULL;

	if (gc && !strcmp(gc, "G1") &&
	    (field(j, heap, "G1CollectedHeap", "_monitoring_support", &mm) ||	/* JDK 21 */
	     field(j, heap, "G1CollectedHeap", "_g1mm", &mm)) &&
	    field(j, mm, "G1MonitoringSupport", new ? "_eden_space_committed" : "_eden_committed",
		  &a) &&
	    field(j, mm, "G1MonitoringSupport",
		  new ? "_survivor_space_committed" : "_survivor_committed", &b) &&
	    field(j, mm, "G1MonitoringSupport", new ? "_old_gen_committed" : "_old_committed",
		  &c)) {
		t->heap_committed = a + b + c;
		t->has_committed = true;
		if (field(j, mm, "G1MonitoringSupport", new ? "_eden_space_used" : "_eden_used",
			  &a) &&
		    field(j, mm, "G1MonitoringSupport",
			  new ? "_survivor_space_used" : "_survivor_used", &b) &&
		    field(j, mm, "G1MonitoringSupport", new ? "_old_gen_used" : "_old_used", &c)) {
			t->heap_used = a + b + c;
			t->has_used = true;
		}
		return;
	}
	if (gc && !strcmp(gc, "Serial")) {
		uint64_t committed = 0, vs;
		bool ok = mm_jvm_offset(j->vs, "Generation", "_virtual_space", &vs);

		for (int g = 0; g < 2 && ok; g++) {
			ok = field(j, heap, "GenCollectedHeap", g ? "_old_gen" : "_young_gen", &gen) &&
			     field(j, gen + vs, "VirtualSpace", "_low", &lo) &&
			     field(j, gen + vs, "VirtualSpace", "_high", &hi) && lo <= hi;
			committed += ok ? hi - lo : 0;
		}
		if (ok) {
			t->heap_committed = committed;
			t->has_committed = true;
		}
		serial_used(j, heap, t);
		return;
	}
	if (gc && !strcmp(gc, "Parallel")) {
		static const char *const gens[2][2] = {
			{ "_young_gen", "PSYoungGen" }, { "_old_gen", "PSOldGen" },
		};
		static const char *const young_spaces[] = { "_eden_space", "_from_space",
							   "_to_space" };
		uint64_t committed = 0, used = 0;
		bool ok = true;

		for (int g = 0; g < 2 && ok; g++) {
			ok = static_word(j, "ParallelScavengeHeap", gens[g][0], &gen) &&
			     field(j, gen, gens[g][1], "_virtual_space", &vsp) &&
			     field(j, vsp, "PSVirtualSpace", "_committed_low_addr", &lo) &&
			     field(j, vsp, "PSVirtualSpace", "_committed_high_addr", &hi) &&
			     lo <= hi;
			committed += ok ? hi - lo : 0;
			for (int s = 0; ok && s < (g ? 1 : 3); s++) {
				ok = field(j, gen, gens[g][1], g ? "_object_space" : young_spaces[s],
					   &sp) &&
				     field(j, sp, "MutableSpace", "_bottom", &lo) &&
				     field(j, sp, "MutableSpace", "_top", &hi) && lo <= hi;
				used += ok ? hi - lo : 0;
			}
		}
		if (ok) {
			t->heap_committed = committed;
			t->heap_used = used;
			t->has_committed = t->has_used = true;
		}
	}
}

/* G1's side tables over the heap (mark bitmaps, block offset table, card
 * table, card counts): each a reservation a G1RegionToSpaceMapper commits
 * region by region, and the heap region manager, a member the tables
 * place, points at every mapper.  The tables describe no mapper, so each
 * is proven by its C++ vtable (named in libjvm's .symtab) and its storage
 * by shape: two words among its first bounding anon memory of exactly the
 * size a table over the heap has (a bit per heap word, or a byte per
 * 512-byte card). */
#define MAPPER_WORDS	8
#define MAX_HRM		1024	/* bytes: a region manager bigger is not one */

static bool vtable(struct jvm *j, const char *sym, uint64_t *vptr)
{
	struct mm_elf_symbol s;

	if (mm_elf_static_symbol(j->img->elf, sym, &s) || s.size < 32) {
		return false;
	}
	/* The Itanium ABI's address point: past offset-to-top and RTTI. */
	*vptr = s.value + j->img->bias + 16;
	return true;
}

static int label_g1_tables(struct jvm *j, const struct mm_jvm_totals *t)
{
	uint64_t heap, off, size, vt[2], words[MAX_HRM / 8], bits, cards;
	int64_t hws = 0;
	int rc = 0, n = 0;

	if (!t->valid || strcmp(t->gc, "G1")) {
		return 0;
	}
	if (!static_word(j, "Universe", "_collectedHeap", &heap) ||
	    !mm_jvm_offset(j->vs, "G1CollectedHeap", "_hrm", &off) ||
	    /* G1HeapRegionManager from JDK 24 on */
	    (!mm_jvm_type_size(j->vs, "HeapRegionManager", &size) &&
	     !mm_jvm_type_size(j->vs, "G1HeapRegionManager", &size)) || size > MAX_HRM ||
	    !vtable(j, "_ZTV35G1RegionsLargerThanCommitSizeMapper", &vt[0]) ||
	    !vtable(j, "_ZTV36G1RegionsSmallerThanCommitSizeMapper", &vt[1]) ||
	    !mm_jvm_constant(j->vs, "HeapWordSize", &hws) || hws <= 0 ||
	    mm_target_read(j->ctx->target, heap + off, words, size & ~7ULL)) {
		mm_debug(j->ctx, "jvm", "no G1 region manager that reads back");
		return 0;
	}
	bits = page_up(j, t->heap_reserved / (uint64_t)hws / 8);
	cards = page_up(j, t->heap_reserved / 512);
	for (uint64_t i = 0; i < size / 8 && !rc; i++) {
		uint64_t m[MAPPER_WORDS];

		if (words[i] & 7 || mm_target_read(j->ctx->target, words[i], m, sizeof(m)) ||
		    (m[0] != vt[0] && m[0] != vt[1])) {
			continue;
		}
		for (int w = 1; w + 1 < MAPPER_WORDS; w++) {
			uint64_t lo = m[w], hi = m[w + 1];

			if (lo < hi && (hi - lo == bits || hi - lo == cards) &&
			    mapped_as(j, lo, hi, false)) {
				rc = label(j, lo, hi, MM_JVM_GC, hi - lo == bits ? "G1 mark bitmap" :
					   "G1 card-indexed table", false);
				n++;
				break;
			}
		}
	}
	mm_debug(j->ctx, "jvm", "%d G1 side tables", n);
	return rc;
}

/* Parallel's compaction tables: PSParallelCompact's static _mark_bitmap
 * and _summary_data (libjvm's .symtab; the symbols' sizes bound them)
 * each point at the PSVirtualSpaces they commit, a type the tables
 * describe: a pointer whose target holds a reservation, committed within
 * it and mapped anon, is one. */
#define MAX_STATIC	256	/* bytes: such an object bigger is not one */

static int label_parallel_tables(struct jvm *j, const struct mm_jvm_totals *t)
{
	static const char *const syms[][2] = {
		{ "_ZN17PSParallelCompact12_mark_bitmapE", "Parallel mark bitmap" },
		{ "_ZN17PSParallelCompact13_summary_dataE", "Parallel compaction summary" },
	};
	uint64_t off[4];
	int rc = 0;

	if (!t->valid || strcmp(t->gc, "Parallel") ||
	    !mm_jvm_offset(j->vs, "PSVirtualSpace", "_reserved_low_addr", &off[0]) ||
	    !mm_jvm_offset(j->vs, "PSVirtualSpace", "_reserved_high_addr", &off[1]) ||
	    !mm_jvm_offset(j->vs, "PSVirtualSpace", "_committed_low_addr", &off[2]) ||
	    !mm_jvm_offset(j->vs, "PSVirtualSpace", "_committed_high_addr", &off[3])) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]) && !rc; i++) {
		struct mm_elf_symbol sym;
		uint64_t w[MAX_STATIC / 8];

		if (mm_elf_static_symbol(j->img->elf, syms[i][0], &sym) || sym.size > MAX_STATIC ||
		    mm_target_read(j->ctx->target, sym.value + j->img->bias, w, sym.size & ~7ULL)) {
			continue;
		}
		for (uint64_t k = 0; k < sym.size / 8 && !rc; k++) {
			uint64_t v[4];
			bool ok = w[k] && !(w[k] & 7);

			for (int f = 0; f < 4 && ok; f++) {
				ok = word(j, w[k] + off[f], &v[f]);
			}
			if (ok && v[0] < v[1] && v[0] <= v[2] && v[2] <= v[3] && v[3] <= v[1] &&
			    mapped_as(j, v[0], v[1], false)) {
				rc = label(j, v[0], v[1], MM_JVM_GC, syms[i][1], false);
			}
		}
	}
	return rc;
}

/* The Java heap: Universe::_collectedHeap's reservation, whatever the
 * collector; the archived heap regions the CDS archive maps into it. */
static int label_heap(struct jvm *j, const uint64_t fv[F_COUNT], const bool found[F_COUNT],
		      struct mm_jvm_totals *t)
{
	uint64_t heap, off, start, words;
	int64_t hws = 0;
	const char *gc;
	char detail[64];

	if (!static_word(j, "Universe", "_collectedHeap", &heap) ||
	    !mm_jvm_offset(j->vs, "CollectedHeap", "_reserved", &off) ||
	    !field(j, heap + off, "MemRegion", "_start", &start) ||
	    !field(j, heap + off, "MemRegion", "_word_size", &words) ||
	    !mm_jvm_constant(j->vs, "HeapWordSize", &hws) || hws <= 0 || hws > 16 ||
	    words > (1ULL << 50) / (uint64_t)hws ||
	    !mapped_as(j, start, start + words * (uint64_t)hws, true)) {
		/* ZGC keeps no CollectedHeap::_reserved (its heap is views of
		 * a memfd): the heap is there, and not read. */
		gc = collector(fv, found);
		return mm_snapshot_warn(j->ctx->snap, "HotSpot %s: its Java heap (%s%scollector) "
					"is not read: no reservation where CollectedHeap says; "
					"it stays as the kernel shows it",
					j->ctx->snap->runtime.version ? j->ctx->snap->runtime.version : "",
					gc ? gc : "", gc ? " " : "") ?: 1;
	}
	gc = collector(fv, found);
	t->valid = true;
	t->heap_start = start;
	t->heap_reserved = words * (uint64_t)hws;
	snprintf(t->gc, sizeof(t->gc), "%s", gc ? gc : "");
	heap_totals(j, gc, heap, t);
	snprintf(detail, sizeof(detail), "%s%sheap", gc ? gc : "", gc ? " " : "");
	return label(j, start, start + t->heap_reserved, MM_JVM_HEAP, detail, true);
}

/* The code cache: one reservation from CodeCache::_low_bound to
 * _high_bound holding every code heap; each heap's segment map is a
 * reservation of its own. */
static int label_code(struct jvm *j, struct mm_jvm_totals *t)
{
	uint64_t lo, hi, heaps, data, off;
	uint32_t len;
	int rc;

	if (!static_word(j, "CodeCache", "_low_bound", &lo) ||
	    !static_word(j, "CodeCache", "_high_bound", &hi) || !mapped_as(j, lo, hi, false)) {
		mm_debug(j->ctx, "jvm", "no code cache that reads back");
		return 0;
	}
	t->code_start = lo;
	t->code_reserved = hi - lo;
	if ((rc = label(j, lo, hi, MM_JVM_CODE, "code cache", false))) {
		return rc;
	}
	/* GrowableArrayBase was GenericGrowableArray before JDK 16. */
	if (!static_word(j, "CodeCache", "_heaps", &heaps) ||
	    (!field32(j, heaps, "GrowableArrayBase", "_len", &len) &&
	     !field32(j, heaps, "GenericGrowableArray", "_len", &len)) || len > MAX_CODE_HEAPS ||
	    !field(j, heaps, "GrowableArray<int>", "_data", &data) ||
	    !mm_jvm_offset(j->vs, "CodeHeap", "_memory", &off)) {
		return 0;
	}
	t->has_code_committed = true;
	for (uint32_t i = 0; i < len && !rc; i++) {
		uint64_t h, low, high, seg, slo, shi;

		if (!word(j, data + 8 * (uint64_t)i, &h) ||
		    !field(j, h + off, "VirtualSpace", "_low", &low) ||
		    !field(j, h + off, "VirtualSpace", "_high", &high) || low > high ||
		    low < lo || high > hi) {
			t->has_code_committed = false;
			break;
		}
		t->code_committed += high - low;
		if (mm_jvm_offset(j->vs, "CodeHeap", "_segmap", &seg) &&
		    field(j, h + seg, "VirtualSpace", "_low_boundary", &slo) &&
		    field(j, h + seg, "VirtualSpace", "_high_boundary", &shi) &&
		    mapped_as(j, page_down(j, slo), page_up(j, shi), false)) {
			rc = label(j, page_down(j, slo), page_up(j, shi), MM_JVM_CODE,
				   "code heap segment map", false);
		}
	}
	return rc;
}

/* The card table of a card-marking barrier set (Serial, Parallel, G1). */
static int label_cards(struct jvm *j)
{
	uint64_t bs, rtti, tag_off, ct, map, size;
	int64_t card = -1, g1 = -1;
	uint32_t tag;

	if (!static_word(j, "BarrierSet", "_barrier_set", &bs) ||
	    !mm_jvm_offset(j->vs, "BarrierSet", "_fake_rtti", &rtti) ||
	    !mm_jvm_offset(j->vs, "BarrierSet::FakeRtti", "_concrete_tag", &tag_off) ||
	    mm_target_read(j->ctx->target, bs + rtti + tag_off, &tag, sizeof(tag))) {
		return 0;
	}
	mm_jvm_constant(j->vs, "BarrierSet::CardTableBarrierSet", &card);
	mm_jvm_constant(j->vs, "BarrierSet::G1BarrierSet", &g1);
	if ((int64_t)tag != card && (int64_t)tag != g1) {
		mm_debug(j->ctx, "jvm", "barrier set %u keeps no card table", tag);
		return 0;
	}
	if (!field(j, bs, "CardTableBarrierSet", "_card_table", &ct) ||
	    !field(j, ct, "CardTable", "_byte_map", &map) ||
	    !field(j, ct, "CardTable", "_byte_map_size", &size) || map + size < map ||
	    !mapped_as(j, page_down(j, map), page_up(j, map + size), false)) {
		mm_debug(j->ctx, "jvm", "no card table that reads back");
		return 0;
	}
	return label(j, page_down(j, map), page_up(j, map + size), MM_JVM_GC, "card table", false);
}

/* The CDS archive as mapped: shared metaspace from its base to its top. */
static int label_cds(struct jvm *j)
{
	uint64_t base, top;

	if (!static_word(j, "MetaspaceObj", "_shared_metaspace_base", &base) ||
	    !static_word(j, "MetaspaceObj", "_shared_metaspace_top", &top) || !base ||
	    !mapped_as(j, page_down(j, base), page_up(j, top), true)) {
		mm_debug(j->ctx, "jvm", "no CDS archive mapped");
		return 0;
	}
	return label(j, page_down(j, base), page_up(j, top), MM_JVM_CDS, "CDS archive", true);
}

/* Metaspace and the compressed class space, which HotSpot's tables do
 * not reach but libjvm's .symtab does: each a list of nodes (JDK 17 on:
 * MetaspaceContext's _nonclass_space_context and _class_space_context,
 * each pointing at its VirtualSpaceList, proven by that list's vtable;
 * JDK 11: Metaspace's _space_list and _class_space_list).  A node is known
 * by shape: among its first words its reservation (base and size, anon
 * memory mapped whole), then the same base again with the size in words
 * (JDK 17 on) or with the end (JDK 11's VirtualSpace); the words before
 * the reservation hold the pointer to the next node. */
#define NODE_WORDS	16
#define LIST_WORDS	8
#define MAX_NODES	4096

struct meta_node {
	uint64_t w[NODE_WORDS];
	int at;			/* the reservation's first word */
	uint64_t lo, hi;
};

static bool meta_node(struct jvm *j, uint64_t p, struct meta_node *n)
{
	if (!p || (p & 7) || mm_target_read(j->ctx->target, p, n->w, sizeof(n->w))) {
		return false;
	}
	for (int a = 0; a + 1 < NODE_WORDS; a++) {
		uint64_t base = n->w[a], size = n->w[a + 1];

		if (!base || !size || ((base | size) & (j->page - 1)) || base + size < base) {
			continue;
		}
		for (int b = a + 2; b + 1 < NODE_WORDS; b++) {
			if (n->w[b] == base &&
			    (n->w[b + 1] == size / 8 || n->w[b + 1] == base + size) &&
			    mapped_as(j, base, base + size, false)) {
				n->at = a;
				n->lo = base;
				n->hi = base + size;
				return true;
			}
		}
	}
	return false;
}

/* Labels each node of the list at list; the count of nodes, or -ENOMEM. */
static int label_meta_list(struct jvm *j, uint64_t list, enum mm_label lab, const char *detail)
{
	uint64_t lw[LIST_WORDS], first = 0, node;
	struct meta_node n;
	int count = 0, rc;

	if (mm_target_read(j->ctx->target, list, lw, sizeof(lw))) {
		return 0;
	}
	for (int i = 0; i < LIST_WORDS && !first; i++) {
		first = meta_node(j, lw[i], &n) ? lw[i] : 0;
	}
	for (node = first; node && count < MAX_NODES; count++) {
		uint64_t next = 0;

		if ((rc = label(j, n.lo, n.hi, lab, detail, false))) {
			return rc;
		}
		for (int i = 0; i < n.at && !next; i++) {
			uint64_t p = n.w[i];

			/* a node that points back is a loop: the list ends */
			next = p != node && p != first && meta_node(j, p, &n) ? p : 0;
		}
		node = next;
	}
	return count;
}

/* The list a metaspace root symbol leads to, or 0. */
static uint64_t meta_list(struct jvm *j, const char *context_sym, const char *list_sym)
{
	struct mm_elf_symbol s;
	uint64_t root, vptr, cw[LIST_WORDS], v;

	if (!mm_elf_static_symbol(j->img->elf, list_sym, &s)) {
		return word(j, s.value + j->img->bias, &root) ? root : 0;
	}
	if (mm_elf_static_symbol(j->img->elf, context_sym, &s) ||
	    !word(j, s.value + j->img->bias, &root) ||
	    !vtable(j, "_ZTVN9metaspace16VirtualSpaceListE", &vptr) ||
	    mm_target_read(j->ctx->target, root, cw, sizeof(cw))) {
		return 0;
	}
	for (int i = 0; i < LIST_WORDS; i++) {
		if (!(cw[i] & 7) && word(j, cw[i], &v) && v == vptr) {
			return cw[i];
		}
	}
	return 0;
}

static int label_metaspace(struct jvm *j)
{
	uint64_t meta = meta_list(j, "_ZN9metaspace16MetaspaceContext23_nonclass_space_contextE",
				  "_ZN9Metaspace11_space_listE");
	uint64_t cls = meta_list(j, "_ZN9metaspace16MetaspaceContext20_class_space_contextE",
				 "_ZN9Metaspace17_class_space_listE");
	int a = meta ? label_meta_list(j, meta, MM_JVM_METASPACE, "metaspace") : 0;
	int b = a >= 0 && cls ? label_meta_list(j, cls, MM_JVM_CLASS_SPACE,
						"compressed class space") : 0;

	if (a < 0 || b < 0) {
		return a < 0 ? a : b;
	}
	mm_debug(j->ctx, "jvm", "metaspace: %d nodes, class space: %d", a, b);
	return 0;
}

struct jstack {
	uint64_t lo, hi;	/* [stack end, stack base) */
	int32_t tid;
};

static int cmp_jstack(const void *a, const void *b)
{
	const struct jstack *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The thread's name as the kernel has it (HotSpot names each Java thread
 * after java.lang.Thread's name, cut to 15 bytes). */
static void thread_detail(struct jvm *j, int32_t tid, char *buf, size_t size)
{
	char rel[64], comm[64] = "";
	int fd;

	snprintf(rel, sizeof(rel), "task/%d/comm", (int)tid);
	if ((fd = mm_target_open(j->ctx->target, rel, O_RDONLY)) >= 0) {
		ssize_t n = read(fd, comm, sizeof(comm) - 1);

		comm[n > 0 ? n : 0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		close(fd);
	}
	snprintf(buf, size, "java thread, tid %d%s%s", (int)tid, comm[0] ? " " : "", comm);
}

/* The JavaThread pointers: ThreadsSMRSupport's array (JDK 10 on, where
 * the tables expose it), else Threads::_thread_list linked through
 * JavaThread::_next (JDK 11's tables), bounded (a loop shows later as two
 * stacks that overlap).  Returns the count, -1 when unreadable, -2 ENOMEM. */
static long thread_pointers(struct jvm *j, uint64_t **out)
{
	uint64_t list, threads, tl_len, next_off, t;
	uint64_t *v;
	uint32_t n;

	*out = NULL;
	if (static_word(j, "ThreadsSMRSupport", "_java_thread_list", &list)) {
		if (!mm_jvm_offset(j->vs, "ThreadsList", "_length", &tl_len) ||
		    mm_target_read(j->ctx->target, list + tl_len, &n, sizeof(n)) ||
		    n > MAX_THREADS || !field(j, list, "ThreadsList", "_threads", &threads)) {
			return -1;
		}
		if (!(v = calloc(n + 1, sizeof(*v)))) {
			return -2;
		}
		if (n && mm_target_read(j->ctx->target, threads, v, n * sizeof(*v))) {
			free(v);
			return -1;
		}
		*out = v;
		return n;
	}
	if (!static_word(j, "Threads", "_thread_list", &t) ||
	    !mm_jvm_offset(j->vs, "JavaThread", "_next", &next_off)) {
		return -1;
	}
	if (!(v = calloc(MAX_THREADS, sizeof(*v)))) {
		return -2;
	}
	for (n = 0; t; n++) {
		if (n >= MAX_THREADS || !word(j, t + next_off, &v[n])) {
			free(v);
			return -1;
		}
		/* v[n] held the next pointer a moment: swap it in */
		uint64_t next = v[n];

		v[n] = t;
		t = next;
	}
	*out = v;
	return n;
}

/* Reads the Java threads: each one's stack.  Returns the count, or -1
 * when the list does not read back, -2 on ENOMEM. */
static long read_threads(struct jvm *j, struct jstack **out)
{
	uint64_t base_off, size_off, os_off, tid_off, *ptrs;
	const char *owner = "JavaThread";
	struct jstack *v;
	long n;

	*out = NULL;
	if (!mm_jvm_offset(j->vs, owner, "_stack_base", &base_off)) {
		owner = "Thread";	/* where the tables put them on Thread */
	}
	if (!mm_jvm_offset(j->vs, owner, "_stack_base", &base_off) ||
	    !mm_jvm_offset(j->vs, owner, "_stack_size", &size_off) ||
	    (!mm_jvm_offset(j->vs, "JavaThread", "_osthread", &os_off) &&
	     !mm_jvm_offset(j->vs, "Thread", "_osthread", &os_off)) ||
	    !mm_jvm_offset(j->vs, "OSThread", "_thread_id", &tid_off)) {
		return -1;
	}
	if ((n = thread_pointers(j, &ptrs)) < 0) {
		return n;
	}
	if (!(v = calloc((size_t)n + 1, sizeof(*v)))) {
		free(ptrs);
		return -2;
	}
	for (long i = 0; i < n; i++) {
		uint64_t t = ptrs[i], base, size, os;

		if (!word(j, t + base_off, &base) || !word(j, t + size_off, &size) ||
		    !word(j, t + os_off, &os) ||
		    mm_target_read(j->ctx->target, os + tid_off, &v[i].tid, sizeof(v[i].tid)) ||
		    size > base || !size || v[i].tid <= 0) {
			free(ptrs);
			free(v);
			return -1;
		}
		v[i].lo = base - size;
		v[i].hi = base;
	}
	free(ptrs);
	qsort(v, (size_t)n, sizeof(*v), cmp_jstack);
	for (long i = 1; i < n; i++) {
		if (v[i].lo < v[i - 1].hi) {
			free(v);
			return -1;	/* two stacks overlap: not a list */
		}
	}
	*out = v;
	return n;
}

/* Java thread stacks, and at each one's low end the zone HotSpot protects
 * (reserved, yellow and red pages: the flags' sizes) where the kernel
 * shows it protected.  Returns 0, 1 (the list did not read: warned) or
 * -ENOMEM. */
static int label_threads(struct jvm *j, const uint64_t fv[F_COUNT], const bool found[F_COUNT])
{
	uint64_t red = fv[F_STACK_RED], yellow = fv[F_STACK_YELLOW];
	uint64_t reserved = fv[F_STACK_RESERVED], zone;
	struct jstack *v;
	long n = read_threads(j, &v);
	int rc = 0;

	if (n == -2) {
		return -ENOMEM;
	}
	if (n < 0) {
		return mm_snapshot_warn(j->ctx->snap, "%d: HotSpot's list of Java threads does not "
					"read back: their stacks are found as other threads'",
					(int)j->ctx->target->pid) ? -ENOMEM : 1;
	}
	/* Each flag is a count of pages; a zone over 1 MiB is not one. */
	if (found[F_STACK_RED] && found[F_STACK_YELLOW] && found[F_STACK_RESERVED] &&
	    red <= 64 && yellow <= 64 && reserved <= 64) {
		zone = (red + yellow + reserved) * j->page;
	} else {
		zone = 0;
	}
	for (long i = 0; i < n && !rc; i++) {
		const struct mm_mapping *m;
		uint64_t lo = v[i].lo;
		char detail[96];

		if (!mapped_as(j, page_down(j, lo), page_up(j, v[i].hi), false)) {
			continue;	/* a thread the VM attached: its stack is another's */
		}
		thread_detail(j, v[i].tid, detail, sizeof(detail));
		m = mm_snapshot_find(j->ctx->snap, lo);
		if (zone && m && m->start == lo && m->end == lo + zone && mm_mapping_is_reserved(m)) {
			rc = label(j, lo, lo + zone, MM_THREAD_GUARD, detail, false);
			lo += zone;
		}
		if (!rc) {
			rc = label(j, page_down(j, lo), page_up(j, v[i].hi), MM_THREAD_STACK, detail,
				   false);
		}
	}
	mm_debug(j->ctx, "jvm", "%ld Java threads, guard zone %llu bytes", n,
		 (unsigned long long)zone);
	free(v);
	return rc;
}

int mm_label_jvm(struct mm_classify *ctx)
{
	const struct mm_jvm_facts *f = ctx->jvm;
	struct mm_runtime *rt = &ctx->snap->runtime;
	struct jvm j = { .ctx = ctx, .img = f->img, .vs = &f->vs, .page = ctx->page };
	struct mm_jvm_totals *t = &rt->jvm;
	uint64_t fv[F_COUNT] = { 0 };
	bool found[F_COUNT];
	char version[64];
	int rc, heap;

	if (!rt->lang) {
		snprintf(version, sizeof(version), "%.*s", (int)strcspn(f->version, "+-"),
			 f->version);
		if (!(rt->lang = strdup("java")) ||
		    (version[0] && !(rt->version = strdup(version)))) {
			return -ENOMEM;
		}
	}
	if (!f->tables) {
		return 0;
	}
	read_flags(&j, fv, found);
	/* A heap not read (1) leaves the rest to label, and says so. */
	if ((heap = label_heap(&j, fv, found, t)) < 0) {
		return heap;
	}
	if ((rc = label_code(&j, t)) || (rc = label_cards(&j)) ||
	    (rc = label_g1_tables(&j, t)) || (rc = label_parallel_tables(&j, t)) ||
	    (rc = label_cds(&j)) || (rc = label_metaspace(&j))) {
		return rc;
	}
	rc = label_threads(&j, fv, found);
	return rc < 0 ? rc : rc | heap;
}
