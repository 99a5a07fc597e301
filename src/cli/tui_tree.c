// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The --tui tree view (t): the processes of the execs kept, each under its
 * parent, its last exec's command line, exit status and duration; a
 * process's subtree folds (Left, Space) and unfolds (Right, Space). Made
 * again from the list at each frame it is shown: nothing more is kept. The
 * list's filter (F, f) applies: only the execs it shows make processes, and
 * one whose parent has none shown is a root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "names.h"
#include "tui.h"

#define MAX_DEPTH 40

struct node {
	uint32_t pid, ppid;
	uint64_t first_seq, last_seq; /* its first and last exec kept */
	size_t parent; /* SIZE_MAX: a root */
	size_t first_child, next_sibling; /* SIZE_MAX: none */
};

struct forest {
	struct node *n;
	size_t count;
	size_t *slot; /* pid hash: node index + 1 */
	size_t slots;
};

static size_t *find_slot(struct forest *f, uint32_t pid)
{
	size_t i = (pid * 2654435761u) & (f->slots - 1);

	while (f->slot[i] && f->n[f->slot[i] - 1].pid != pid)
		i = (i + 1) & (f->slots - 1);
	return &f->slot[i];
}

/* The processes of the execs kept that pass filter (a process's last exec: its last shown). */
static int forest_build(struct forest *f, const struct tui_list *l, const struct tui_filter *filter)
{
	uint64_t s, first = tui_list_first(l), end = tui_list_end(l);
	size_t cap = end - first, i, *sl;

	memset(f, 0, sizeof(*f));
	for (f->slots = 16; f->slots < 2 * cap; f->slots *= 2)
		;
	f->n = malloc((cap ? cap : 1) * sizeof(*f->n));
	f->slot = calloc(f->slots, sizeof(*f->slot));
	if (!f->n || !f->slot)
		return -1;
	for (s = first; s < end; s++) {
		const struct tui_exec *e = tui_list_get(l, s);

		if (!tui_list_shown(e, filter))
			continue;
		sl = find_slot(f, e->pid);
		if (*sl) {
			f->n[*sl - 1].last_seq = s;
			continue;
		}
		f->n[f->count] = (struct node){ .pid = e->pid,
						.ppid = e->ppid,
						.first_seq = s,
						.last_seq = s,
						.parent = SIZE_MAX,
						.first_child = SIZE_MAX,
						.next_sibling = SIZE_MAX };
		*sl = ++f->count;
	}
	/* Children in the order they came: linked from the last to the first. */
	for (i = f->count; i-- > 0;) {
		sl = find_slot(f, f->n[i].ppid);
		if (!*sl || *sl - 1 == i)
			continue;
		f->n[i].parent = *sl - 1;
		f->n[i].next_sibling = f->n[*sl - 1].first_child;
		f->n[*sl - 1].first_child = i;
	}
	return 0;
}

static void forest_free(struct forest *f)
{
	free(f->n);
	free(f->slot);
}

static bool folded(const struct tui *ui, uint32_t pid)
{
	size_t i;

	for (i = 0; i < ui->n_folded; i++)
		if (ui->folded[i] == pid)
			return true;
	return false;
}

void tui_tree_toggle(struct tui *ui, uint32_t pid, int want)
{
	size_t i;

	for (i = 0; i < ui->n_folded; i++) {
		if (ui->folded[i] != pid)
			continue;
		if (want <= 0 || want == 2) /* unfold */
			ui->folded[i] = ui->folded[--ui->n_folded];
		return;
	}
	if (want >= 1 && ui->n_folded < TUI_MAX_FOLDED)
		ui->folded[ui->n_folded++] = pid;
}

/* "pid  command line  exit status  duration", indented by depth. */
static void tree_row(struct tui *ui, const struct forest *f, size_t i, int depth, int y,
		     bool selected)
{
	const struct node *n = &f->n[i];
	const struct tui_exec *last = tui_list_get(ui->list, n->last_seq);
	const struct tui_exec *first = tui_list_get(ui->list, n->first_seq);
	const char *cmd = tui_render_line(&ui->render, last);
	char end[96], head[128];
	int cols = getmaxx(ui->list_win), x;

	/* The readable line without its time and pid columns: the command onwards. */
	cmd += strspn(cmd, "0123456789:.-TZ+ ");
	if (!last->exited)
		snprintf(end, sizeof(end), "running");
	else if (WIFSIGNALED(last->exit_status))
		snprintf(end, sizeof(end), "%s %.3fs", signal_name(WTERMSIG(last->exit_status)),
			 (double)(last->end_ns - first->ts_ns) / 1e9);
	else
		snprintf(end, sizeof(end), "exit %d %.3fs", WEXITSTATUS(last->exit_status),
			 (double)(last->end_ns - first->ts_ns) / 1e9);
	snprintf(head, sizeof(head), "%*s%s %u ", depth * 2, "",
		 n->first_child == SIZE_MAX ? " " :
		 folded(ui, n->pid)	    ? "+" :
					      "-",
		 n->pid);
	wattrset(ui->list_win, (selected ? A_REVERSE : 0) | (last->ret ? COLOR_PAIR(1) : 0));
	if (selected)
		mvwhline(ui->list_win, y, 0, ' ', cols);
	mvwaddstr(ui->list_win, y, 0, head);
	x = (int)strlen(head);
	if (x < cols)
		tui_put_clipped(ui->list_win, y, x, cmd, cols - x - (int)strlen(end) - 2);
	if ((int)strlen(end) + 1 < cols)
		mvwaddstr(ui->list_win, y, cols - (int)strlen(end) - 1, end);
	wattrset(ui->list_win, 0);
}

void tui_draw_tree(struct tui *ui)
{
	size_t stack[MAX_DEPTH + 1], i, row = 0, top = 0;
	int rows = getmaxy(ui->list_win), depth;
	struct forest f;

	werase(ui->list_win);
	if (forest_build(&f, ui->list, &ui->filter)) {
		forest_free(&f);
		mvwaddstr(ui->list_win, 0, 0, "(out of memory)");
		return;
	}
	ui->tree_rows = 0;
	/* Count the rows first: the selection stays on screen. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (ui->tree_sel >= ui->tree_rows)
				ui->tree_sel = ui->tree_rows ? ui->tree_rows - 1 : 0;
			top = ui->tree_sel >= (size_t)rows ? ui->tree_sel - rows + 1 : 0;
		}
		row = 0;
		for (i = 0; i < f.count; i++) {
			if (f.n[i].parent != SIZE_MAX)
				continue;
			depth = 0;
			stack[0] = i;
			while (depth >= 0) {
				size_t k = stack[depth];
				const struct node *n = &f.n[k];

				if (pass == 1 && row >= top && row < top + (size_t)rows) {
					tree_row(ui, &f, k, depth, (int)(row - top),
						 row == ui->tree_sel);
					if (row == ui->tree_sel) {
						ui->tree_sel_pid = n->pid;
						ui->tree_sel_seq = n->last_seq;
					}
				}
				row++;
				if (n->first_child != SIZE_MAX && !folded(ui, n->pid) &&
				    depth < MAX_DEPTH) {
					stack[++depth] = n->first_child;
					continue;
				}
				/* Up to the next sibling of this node or of an ancestor. */
				while (depth >= 0 && f.n[stack[depth]].next_sibling == SIZE_MAX)
					depth--;
				if (depth >= 0)
					stack[depth] = f.n[stack[depth]].next_sibling;
			}
		}
		if (pass == 0)
			ui->tree_rows = row;
	}
	if (!f.count)
		mvwaddstr(ui->list_win, 0, 0,
			  tui_filter_none(&ui->filter) ?
				  "(no exec yet)" :
				  "(no exec passes the filter yet: F changes it)");
	forest_free(&f);
}
