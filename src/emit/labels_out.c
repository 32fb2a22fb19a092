/* SPDX-License-Identifier: GPL-2.0-or-later */
/* labels_out.c: --list-labels, straight from the vocabulary in labels.c. */
#include <stdio.h>

#include "emit/json_out.h"
#include "emit/labels_out.h"
#include "model/model.h"

static void list_json(FILE *out)
{
	struct mm_json json, *j = &json;

	mm_json_init(j, out);
	mm_json_object_open(j, NULL);
	mm_json_array_open(j, "labels");
	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		enum mm_label l = (enum mm_label)i;
		char color[8];

		snprintf(color, sizeof(color), "#%06x", (unsigned int)mm_label_color(l));
		mm_json_object_open(j, NULL);
		mm_json_string(j, "name", mm_label_name(l));
		mm_json_string(j, "class", mm_class_name(mm_label_class(l)));
		mm_json_string(j, "color", color);
		mm_json_string(j, "help", mm_label_help(l));
		mm_json_string(j, "explanation", mm_label_explanation(l));
		mm_json_object_close(j);
	}
	mm_json_array_close(j);
	mm_json_object_close(j);
	fputc('\n', out);
}

void mm_list_labels(FILE *out, bool raw, bool json)
{
	if (json) {
		list_json(out);
		return;
	}
	if (!raw) {
		fputs("Labels:\n", out);
	}
	for (int i = 0; i < MM_LABEL_COUNT; i++) {
		enum mm_label l = (enum mm_label)i;

		fprintf(out, raw ? "%s %s %s\n" : " %-20s  %-7s  %s\n", mm_label_name(l),
			mm_class_name(mm_label_class(l)), mm_label_help(l));
	}
}
