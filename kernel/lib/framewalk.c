// SPDX-License-Identifier: MIT
/* frame_walk: a frame-pointer chain, every link checked before it is read. */
#include <kernel/framewalk.h>

struct walk {
	frame_stack_of_fn stack_of;
	void *ctx;
	struct frame_stack cur;			/* the stack fp is on */
	struct frame_stack seen[FRAME_WALK_MAX_STACKS];
	size_t nseen;
};

/* Do the 16 bytes of a frame at fp fit in s, aligned? (No overflow: fp < s->hi first.) */
static bool frame_fits(const struct frame_stack *s, uint64_t fp)
{
	return fp % 8 == 0 && fp >= s->lo && fp < s->hi && s->hi - fp >= 16;
}

static bool seen_before(const struct walk *w, const struct frame_stack *s)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].lo == s->lo && w->seen[i].hi == s->hi)
			return true;
	return false;
}

/* Move to fp's stack, if it is a known stack not walked before and the frame fits in it. */
static bool enter_stack(struct walk *w, uint64_t fp)
{
	struct frame_stack s;

	if (w->nseen == FRAME_WALK_MAX_STACKS || !w->stack_of(w->ctx, fp, &s) ||
	    !frame_fits(&s, fp) || seen_before(w, &s))
		return false;
	w->seen[w->nseen++] = s;
	w->cur = s;
	return true;
}

/* May the walk go from the frame at fp to the one at next? */
static bool next_ok(struct walk *w, uint64_t fp, uint64_t next)
{
	if (next >= w->cur.lo && next < w->cur.hi)
		return next > fp && frame_fits(&w->cur, next);
	return enter_stack(w, next);
}

size_t frame_walk(uint64_t fp, frame_stack_of_fn stack_of, void *ctx, uint64_t *rets, size_t max)
{
	struct walk w = { .stack_of = stack_of, .ctx = ctx };
	size_t n = 0;

	if (!enter_stack(&w, fp))
		return 0;
	while (n < max) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
		uint64_t next = frame[0], ret = frame[1];

		if (!ret)
			break;
		rets[n++] = ret;
		if (!next_ok(&w, fp, next))
			break;
		fp = next;
	}
	return n;
}
