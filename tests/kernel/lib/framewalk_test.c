// SPDX-License-Identifier: MIT
/*
 * frame_walk on hand-built stacks (portable: kernel and host). Each case lays
 * out frames as the compiler would (saved frame pointer, return address) in
 * two fake stacks, and checks which return addresses come back.
 */
#include <kernel/framewalk.h>
#include <kernel/ktest.h>

#define WORDS	64
#define JUNK	0xA5A5A5A5A5A5A5A5ull	/* neither a stack address nor 0 */

struct two_stacks {
	uint64_t a[WORDS], b[WORDS];
	struct frame_stack sa, sb;
};

static bool fake_stack_of(void *ctx, uint64_t addr, struct frame_stack *s)
{
	struct two_stacks *st = ctx;

	if (addr >= st->sa.lo && addr < st->sa.hi)
		*s = st->sa;
	else if (addr >= st->sb.lo && addr < st->sb.hi)
		*s = st->sb;
	else
		return false;
	return true;
}

static void init_stacks(struct two_stacks *st)
{
	for (int i = 0; i < WORDS; i++)
		st->a[i] = st->b[i] = JUNK;
	st->sa = (struct frame_stack){ (uintptr_t)st->a, (uintptr_t)(st->a + WORDS) };
	st->sb = (struct frame_stack){ (uintptr_t)st->b, (uintptr_t)(st->b + WORDS) };
}

static uint64_t at(uint64_t *stack, int word)
{
	return (uintptr_t)&stack[word];
}

/* The frame at stack[word]: the caller's frame pointer, then the return address. */
static void frame(uint64_t *stack, int word, uint64_t next, uint64_t ret)
{
	stack[word] = next;
	stack[word + 1] = ret;
}

static size_t walk(struct two_stacks *st, uint64_t fp, uint64_t *rets, size_t max)
{
	return frame_walk(fp, fake_stack_of, st, rets, max);
}

KTEST(framewalk, follows_a_chain_up_one_stack)
{
	static struct two_stacks st;
	uint64_t rets[8];

	init_stacks(&st);
	frame(st.a, 4, at(st.a, 10), 0x1111);
	frame(st.a, 10, at(st.a, 20), 0x2222);
	frame(st.a, 20, 0, 0x3333);		/* fp 0: the end of the chain */
	ASSERT_EQ(t, walk(&st, at(st.a, 4), rets, 8), 3);
	EXPECT_EQ(t, rets[0], 0x1111);
	EXPECT_EQ(t, rets[1], 0x2222);
	EXPECT_EQ(t, rets[2], 0x3333);
}

KTEST(framewalk, zero_return_address_ends_the_chain)
{
	static struct two_stacks st;
	uint64_t rets[8];

	init_stacks(&st);
	frame(st.a, 4, at(st.a, 10), 0x1111);
	frame(st.a, 10, at(st.a, 20), 0);
	frame(st.a, 20, 0, 0x3333);
	EXPECT_EQ(t, walk(&st, at(st.a, 4), rets, 8), 1);
}

KTEST(framewalk, refuses_a_start_off_every_stack)
{
	static struct two_stacks st;
	uint64_t rets[8];

	init_stacks(&st);
	EXPECT_EQ(t, walk(&st, 0, rets, 8), 0);
	EXPECT_EQ(t, walk(&st, 0xFFFFFFFFFFFFFFF8ull, rets, 8), 0);
	EXPECT_EQ(t, walk(&st, at(st.a, 4) + 4, rets, 8), 0);	/* misaligned */
	EXPECT_EQ(t, walk(&st, st.sa.hi - 8, rets, 8), 0);	/* half a frame past the top */
	frame(st.a, WORDS - 2, 0, 0x1111);
	EXPECT_EQ(t, walk(&st, st.sa.hi - 16, rets, 8), 1);	/* the topmost frame fits */
}

KTEST(framewalk, stops_at_a_link_that_does_not_climb)
{
	static struct two_stacks st;
	uint64_t rets[8];

	init_stacks(&st);
	frame(st.a, 10, at(st.a, 10), 0x1111);	/* points at itself */
	EXPECT_EQ(t, walk(&st, at(st.a, 10), rets, 8), 1);
	frame(st.a, 10, at(st.a, 4), 0x1111);	/* points down */
	frame(st.a, 4, at(st.a, 10), 0x2222);
	EXPECT_EQ(t, walk(&st, at(st.a, 10), rets, 8), 1);
	frame(st.a, 10, at(st.a, 20) + 4, 0x1111);	/* up, but misaligned */
	EXPECT_EQ(t, walk(&st, at(st.a, 10), rets, 8), 1);
	frame(st.a, 10, st.sa.hi - 8, 0x1111);	/* up, but the frame spills off the top */
	EXPECT_EQ(t, walk(&st, at(st.a, 10), rets, 8), 1);
}

KTEST(framewalk, crosses_into_another_stack_once)
{
	static struct two_stacks st;
	uint64_t rets[8];

	init_stacks(&st);
	/* A task on stack a, entered from stack b, wherever b lies. */
	frame(st.a, 4, at(st.a, 12), 0x1111);
	frame(st.a, 12, at(st.b, 30), 0x2222);
	frame(st.b, 30, at(st.b, 40), 0x3333);
	frame(st.b, 40, 0, 0x4444);
	ASSERT_EQ(t, walk(&st, at(st.a, 4), rets, 8), 4);
	EXPECT_EQ(t, rets[2], 0x3333);
	EXPECT_EQ(t, rets[3], 0x4444);
	/* Back into a, even higher up: a loop between stacks, cut there. */
	frame(st.b, 40, at(st.a, 50), 0x4444);
	frame(st.a, 50, 0, 0x5555);
	EXPECT_EQ(t, walk(&st, at(st.a, 4), rets, 8), 4);
	EXPECT_EQ(t, walk(&st, at(st.b, 30), rets, 8), 3);	/* from b, a is new */
}

KTEST(framewalk, returns_at_most_max)
{
	static struct two_stacks st;
	uint64_t rets[WORDS];

	init_stacks(&st);
	for (int w = 0; w + 2 < WORDS; w += 2)
		frame(st.a, w, at(st.a, w + 2), 0x1000 + (uint64_t)w);
	frame(st.a, WORDS - 2, 0, 0x2000);
	EXPECT_EQ(t, walk(&st, at(st.a, 0), rets, 5), 5);
	EXPECT_EQ(t, rets[4], 0x1008);
	EXPECT_EQ(t, walk(&st, at(st.a, 0), rets, WORDS), WORDS / 2);
	EXPECT_EQ(t, walk(&st, at(st.a, 0), rets, 0), 0);
}

/* Every 4 words of a its own stack: a chain through more than FRAME_WALK_MAX_STACKS stacks. */
static bool chunk_stack_of(void *ctx, uint64_t addr, struct frame_stack *s)
{
	struct two_stacks *st = ctx;
	uint64_t chunk = 4 * sizeof(uint64_t);

	if (addr < st->sa.lo || addr >= st->sa.hi)
		return false;
	s->lo = st->sa.lo + (addr - st->sa.lo) / chunk * chunk;
	s->hi = s->lo + chunk;
	return true;
}

KTEST(framewalk, passes_through_at_most_max_stacks)
{
	static struct two_stacks st;
	uint64_t rets[WORDS];

	init_stacks(&st);
	for (int w = 0; w + 4 < WORDS; w += 4)
		frame(st.a, w, at(st.a, w + 4), 0x1000 + (uint64_t)w);
	EXPECT_EQ(t, frame_walk(at(st.a, 0), chunk_stack_of, &st, rets, WORDS),
		  FRAME_WALK_MAX_STACKS);
}
