// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Why a run was slow (critpath.h). A stub until the analysis lands. */
#include <stdlib.h>
#include <string.h>

#include "critpath.h"

int critpath_compute(const struct tree *t, struct critpath *cp)
{
	(void)t;
	memset(cp, 0, sizeof(*cp));
	return 0;
}

void critpath_free(struct critpath *cp)
{
	free(cp->steps);
	memset(cp, 0, sizeof(*cp));
}

int critpath_write_text(FILE *out, const struct tree *t, bool color)
{
	(void)out;
	(void)t;
	(void)color;
	return 0;
}

int critpath_write_json(FILE *out, const struct tree *t)
{
	(void)out;
	(void)t;
	return 0;
}
