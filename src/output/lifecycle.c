// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --tree and --timeline: the tree is fed every event, whatever --events prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "timeline.h"
#include "tree.h"

struct lifecycle {
	struct tree tree;
	bool print_tree;
	FILE *timeline;
	const char *timeline_path;
	bool incomplete; /* an event could not be added (out of memory) */
};

int lifecycle_open(const struct lifecycle_config *cfg, struct lifecycle **out, char *err,
		   size_t errlen)
{
	struct lifecycle *lc;

	*out = NULL;
	if (!cfg->tree && !cfg->timeline)
		return 0;
	lc = calloc(1, sizeof(*lc));
	if (!lc) {
		if (cfg->timeline)
			fclose(cfg->timeline);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	tree_init(&lc->tree);
	lc->print_tree = cfg->tree;
	lc->timeline = cfg->timeline;
	lc->timeline_path = cfg->timeline_name ? cfg->timeline_name : "the timeline";
	*out = lc;
	return 0;
}

void lifecycle_add(struct lifecycle *lc, const struct tracer_event *ev)
{
	if (lc && !lc->incomplete && tree_add(&lc->tree, ev))
		lc->incomplete = true;
}

int lifecycle_finish(struct lifecycle *lc, uint64_t end_ns, uint64_t epoch_ns, FILE *tree_out,
		     bool color, char *err, size_t errlen)
{
	FILE *f;
	int ret = 0;

	if (!lc)
		return 0;
	if (tree_finish(&lc->tree, end_ns)) {
		snprintf(err, errlen, "out of memory: no process tree nor timeline");
		return -1;
	}
	if (lc->incomplete)
		fprintf(tree_out, "tracer: out of memory: the process tree and timeline miss "
				  "events\n");
	if (lc->print_tree && (tree_write(&lc->tree, tree_out, color) || fflush(tree_out))) {
		snprintf(err, errlen, "writing the process tree failed: %s", strerror(errno));
		ret = -1;
	}
	if (lc->timeline) {
		f = lc->timeline;
		lc->timeline = NULL;
		if (timeline_write(&lc->tree, f, epoch_ns) | fclose(f)) {
			snprintf(err, errlen, "writing %s failed: %s", lc->timeline_path,
				 strerror(errno));
			ret = -1;
		}
	}
	return ret;
}

void lifecycle_close(struct lifecycle *lc)
{
	if (!lc)
		return;
	if (lc->timeline)
		fclose(lc->timeline);
	tree_free(&lc->tree);
	free(lc);
}
