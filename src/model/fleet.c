/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fleet.c: the rows of a sweep over many processes, and their sums. */
#include <stdlib.h>
#include <string.h>

#include "model/fleet.h"
#include "util/grow.h"

struct mm_fleet_row *mm_fleet_add(struct mm_fleet *f, pid_t pid)
{
	struct mm_fleet_row *r;

	if (mm_grow(&f->rows, &f->rows_alloc, f->nrows + 1, sizeof(*f->rows))) {
		return NULL;
	}
	r = &f->rows[f->nrows++];
	*r = (struct mm_fleet_row){ .pid = pid, .identity = { .uid = -1 } };
	return r;
}

void mm_fleet_finish(struct mm_fleet *f)
{
	memset(f->labels, 0, sizeof(f->labels));
	f->rss = f->pss = f->uss = f->swap = 0;
	f->read = f->unread = 0;
	for (size_t i = 0; i < f->nrows; i++) {
		const struct mm_fleet_row *r = &f->rows[i];

		if (!r->snap) {
			f->unread++;
			continue;
		}
		f->read++;
		f->rss += r->snap->totals.rss;
		f->pss += r->snap->totals.pss;
		f->swap += r->snap->totals.swap;
		f->uss += r->uss;
		for (int l = 0; l < MM_LABEL_COUNT; l++) {
			const struct mm_category *c = &r->snap->categories[l];

			if (!c->regions) {
				continue;
			}
			f->labels[l].rss += c->rss;
			f->labels[l].pss += c->pss;
			f->labels[l].swap += c->swap;
			f->labels[l].processes++;
		}
	}
}

void mm_fleet_clear(struct mm_fleet *f)
{
	for (size_t i = 0; i < f->nrows; i++) {
		struct mm_fleet_row *r = &f->rows[i];

		free(r->comm);
		free(r->reason);
		mm_identity_finish(&r->identity);
		mm_snapshot_destroy(r->snap);
	}
	free(f->rows);
	free(f->hostname);
	free(f->time);
	memset(f, 0, sizeof(*f));
}
