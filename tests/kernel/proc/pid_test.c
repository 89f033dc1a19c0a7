// SPDX-License-Identifier: MIT
/* PID allocator core: cyclic order, the wrap to 300, exhaustion, specific PIDs, bad frees (portable). */
#include <bitmap/hbitmap.h>
#include <kernel/ktest.h>
#include <kernel/pid.h>

/* Room for the largest map; cases run one at a time and share it. */
static uint64_t storage[HBM_STORAGE_WORDS(PID_MAX_LIMIT)];
static struct pid_map map;

static struct pid_map *fresh(struct ktest *t, int pid_max)
{
	ASSERT_LE(t, pid_map_storage_words(pid_max), sizeof(storage) / sizeof(storage[0]));
	ASSERT_EQ(t, pid_map_init(&map, storage, pid_max), 0);
	return &map;
}

/* Allocate n PIDs and expect first, first + 1, ...; stops at the first surprise. */
static void expect_run(struct ktest *t, struct pid_map *m, int first, int n)
{
	for (int i = 0; i < n; i++) {
		int pid = pid_map_alloc(m);

		if (pid != first + i) {
			EXPECT_EQ(t, pid, first + i);
			return;
		}
	}
}

KTEST(pid, order_starts_at_one)
{
	struct pid_map *m = fresh(t, PID_MAX_DEFAULT);

	EXPECT_EQ(t, pid_map_count(m), 0);
	EXPECT_EQ(t, pid_map_alloc(m), 1);
	EXPECT_EQ(t, pid_map_alloc(m), 2);
	EXPECT_EQ(t, pid_map_alloc(m), 3);
	expect_run(t, m, 4, 1000);
	EXPECT_EQ(t, pid_map_count(m), 1003);
	EXPECT_TRUE(t, pid_map_in_use(m, 1003));
	EXPECT_FALSE(t, pid_map_in_use(m, 1004));
	EXPECT_FALSE(t, pid_map_in_use(m, 0));
	EXPECT_TRUE(t, pid_map_check(m));
}

KTEST(pid, freed_pid_waits_for_the_wrap)
{
	struct pid_map *m = fresh(t, 1000);

	expect_run(t, m, 1, 600);
	EXPECT_EQ(t, pid_map_free(m, 3), 0);
	EXPECT_EQ(t, pid_map_free(m, 500), 0);
	EXPECT_FALSE(t, pid_map_in_use(m, 500));
	/* The cursor goes on from 600, past both holes. */
	expect_run(t, m, 601, 399);
	/* Wrapped: 3 is below 300 and stays free; 500 comes back. */
	EXPECT_EQ(t, pid_map_alloc(m), 500);
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);
	EXPECT_FALSE(t, pid_map_in_use(m, 3));
	EXPECT_EQ(t, pid_map_count(m), 998);
}

KTEST(pid, wrap_restarts_at_300)
{
	struct pid_map *m = fresh(t, 1000);
	static const int holes[] = { 1, 5, 299, 300, 301, 700, 999 };

	expect_run(t, m, 1, 999);
	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++)
		EXPECT_EQ(t, pid_map_free(m, holes[i]), 0);
	EXPECT_EQ(t, pid_map_alloc(m), 300);
	EXPECT_EQ(t, pid_map_alloc(m), 301);
	EXPECT_EQ(t, pid_map_alloc(m), 700);
	EXPECT_EQ(t, pid_map_alloc(m), 999);
	/* 1, 5 and 299 are never handed out again. */
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);
	EXPECT_EQ(t, pid_map_count(m), 996);
	/* After the wrap the cursor is cyclic again: from 999 back round to 300. */
	EXPECT_EQ(t, pid_map_free(m, 400), 0);
	EXPECT_EQ(t, pid_map_free(m, 350), 0);
	EXPECT_EQ(t, pid_map_alloc(m), 350);
	EXPECT_EQ(t, pid_map_alloc(m), 400);
	EXPECT_TRUE(t, pid_map_check(m));
}

KTEST(pid, cursor_is_cyclic_after_wrap)
{
	struct pid_map *m = fresh(t, 2000);

	expect_run(t, m, 1, 1999);
	EXPECT_EQ(t, pid_map_free(m, 1500), 0);
	EXPECT_EQ(t, pid_map_free(m, 800), 0);
	EXPECT_EQ(t, pid_map_alloc(m), 800);
	/* 1200 is freed behind the cursor's next start (801) and ahead: found first. */
	EXPECT_EQ(t, pid_map_free(m, 1200), 0);
	EXPECT_EQ(t, pid_map_free(m, 600), 0);
	EXPECT_EQ(t, pid_map_alloc(m), 1200);
	EXPECT_EQ(t, pid_map_alloc(m), 1500);
	EXPECT_EQ(t, pid_map_alloc(m), 600);
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);
}

/* Fill a map of pid_max in order, check it is exhausted exactly there, empty it, wrap. */
static void exhaust(struct ktest *t, int pid_max)
{
	struct pid_map *m = fresh(t, pid_max);

	expect_run(t, m, 1, pid_max - 1);
	EXPECT_EQ(t, pid_map_count(m), pid_max - 1);
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);
	EXPECT_EQ(t, pid_map_count(m), pid_max - 1);
	EXPECT_TRUE(t, pid_map_in_use(m, pid_max - 1));
	EXPECT_FALSE(t, pid_map_in_use(m, pid_max));
	EXPECT_TRUE(t, pid_map_check(m));

	/* One hole at the top, the cursor past it: found through the wrap. */
	EXPECT_EQ(t, pid_map_free(m, pid_max - 1), 0);
	EXPECT_EQ(t, pid_map_alloc(m), pid_max - 1);
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);

	for (int pid = 1; pid < pid_max; pid++)
		if (pid_map_free(m, pid) != 0)
			ASSERT_EQ(t, pid_map_free(m, pid), 0);
	EXPECT_EQ(t, pid_map_count(m), 0);
	EXPECT_EQ(t, pid_map_alloc(m), PID_RESERVED);
	EXPECT_EQ(t, pid_map_alloc(m), pid_max > PID_MAX_MIN ? PID_RESERVED + 1 : -EAGAIN);
	EXPECT_EQ(t, pid_map_bad_frees(m), 0);
	EXPECT_TRUE(t, pid_map_check(m));
}

KTEST(pid, exhausted_at_pid_max_301)
{
	exhaust(t, PID_MAX_MIN);
}

KTEST(pid, exhausted_at_pid_max_4096)
{
	exhaust(t, 4096);
}

KTEST(pid, exhausted_at_pid_max_32768)
{
	exhaust(t, PID_MAX_DEFAULT);
}

KTEST_SLOW(pid, exhausted_at_pid_max_4194304)
{
	exhaust(t, PID_MAX_LIMIT);
}

KTEST(pid, init_rejects_bad_pid_max)
{
	EXPECT_EQ(t, pid_map_init(&map, storage, PID_MAX_MIN - 1), -EINVAL);
	EXPECT_EQ(t, pid_map_init(&map, storage, PID_MAX_LIMIT + 1), -EINVAL);
	EXPECT_EQ(t, pid_map_init(&map, storage, 0), -EINVAL);
	EXPECT_EQ(t, pid_map_init(&map, storage, -1), -EINVAL);
	EXPECT_EQ(t, pid_map_init(&map, storage, PID_MAX_MIN), 0);
	EXPECT_EQ(t, pid_map_max(&map), PID_MAX_MIN);
}

KTEST(pid, specific_pids)
{
	struct pid_map *m = fresh(t, 4096);

	EXPECT_EQ(t, pid_map_alloc_specific(m, 1), 1);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 1), -EEXIST);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 4095), 4095);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 3), 3);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 0), -EINVAL);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 4096), -EINVAL);
	EXPECT_EQ(t, pid_map_alloc_specific(m, -7), -EINVAL);
	/* The cursor did not move: the cyclic search skips what was taken. */
	EXPECT_EQ(t, pid_map_alloc(m), 2);
	EXPECT_EQ(t, pid_map_alloc(m), 4);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 4), -EEXIST);
	EXPECT_EQ(t, pid_map_count(m), 5);
	/* Below 300 a specific PID is still fine after a wrap. */
	expect_run(t, m, 5, 4090);
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);
	EXPECT_EQ(t, pid_map_free(m, 17), 0);
	EXPECT_EQ(t, pid_map_alloc(m), -EAGAIN);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 17), 17);
	EXPECT_TRUE(t, pid_map_check(m));
}

KTEST(pid, bad_frees_are_refused_and_counted)
{
	struct pid_map *m = fresh(t, 1000);

	expect_run(t, m, 1, 10);
	EXPECT_EQ(t, pid_map_free(m, 0), -EINVAL);
	EXPECT_EQ(t, pid_map_free(m, -1), -EINVAL);
	EXPECT_EQ(t, pid_map_free(m, 1000), -EINVAL);
	EXPECT_EQ(t, pid_map_bad_frees(m), 0);
	EXPECT_EQ(t, pid_map_free(m, 11), -ENOENT);
	EXPECT_EQ(t, pid_map_free(m, 999), -ENOENT);
	EXPECT_EQ(t, pid_map_bad_frees(m), 2);
	EXPECT_EQ(t, pid_map_free(m, 5), 0);
	EXPECT_EQ(t, pid_map_free(m, 5), -ENOENT);
	EXPECT_EQ(t, pid_map_bad_frees(m), 3);
	/* Nothing changed: nine held, PID 0 still reserved, next is 11. */
	EXPECT_EQ(t, pid_map_count(m), 9);
	EXPECT_TRUE(t, pid_map_check(m));
	EXPECT_EQ(t, pid_map_alloc(m), 11);
}

KTEST(pid, parse_pid_max)
{
	int v = 0;

	EXPECT_EQ(t, pid_parse_max("", &v), 0);
	EXPECT_EQ(t, v, PID_MAX_DEFAULT);
	EXPECT_EQ(t, pid_parse_max("ktest=run pid_max=4096 quiet", &v), 0);
	EXPECT_EQ(t, v, 4096);
	EXPECT_EQ(t, pid_parse_max("pid_max=301", &v), 0);
	EXPECT_EQ(t, v, 301);
	EXPECT_EQ(t, pid_parse_max("pid_max=4194304", &v), 0);
	EXPECT_EQ(t, v, PID_MAX_LIMIT);
	EXPECT_EQ(t, pid_parse_max("pid_max=300", &v), -ERANGE);
	EXPECT_EQ(t, v, PID_MAX_MIN);
	EXPECT_EQ(t, pid_parse_max("pid_max=0", &v), -ERANGE);
	EXPECT_EQ(t, v, PID_MAX_MIN);
	EXPECT_EQ(t, pid_parse_max("pid_max=4194305", &v), -ERANGE);
	EXPECT_EQ(t, v, PID_MAX_LIMIT);
	EXPECT_EQ(t, pid_parse_max("pid_max=99999999999999999999", &v), -ERANGE);
	EXPECT_EQ(t, v, PID_MAX_LIMIT);
	EXPECT_EQ(t, pid_parse_max("pid_max=12k", &v), -EINVAL);
	EXPECT_EQ(t, v, PID_MAX_DEFAULT);
	EXPECT_EQ(t, pid_parse_max("pid_max=-5", &v), -EINVAL);
	EXPECT_EQ(t, pid_parse_max("pid_max=", &v), -EINVAL);
	EXPECT_EQ(t, pid_parse_max("pid_max", &v), -EINVAL);
	EXPECT_EQ(t, v, PID_MAX_DEFAULT);
}

/* ---------------------------------------------------------------- model */

/*
 * The rules written as plainly as possible: a byte per PID and a linear
 * search. Random operations must get the same answer from both.
 */
#define MODEL_MAX	700

struct model {
	unsigned char used[MODEL_MAX];
	int pid_max;
	int last;
	int count;
	int wraps;	/* allocations that came round to 300 */
	int full;	/* allocations that found nothing */
};

static int model_take(struct model *md, int pid)
{
	md->used[pid] = 1;
	md->count++;
	md->last = pid;
	return pid;
}

static int model_alloc(struct model *md)
{
	for (int pid = md->last + 1; pid < md->pid_max; pid++)
		if (!md->used[pid])
			return model_take(md, pid);
	for (int pid = PID_RESERVED; pid < md->pid_max; pid++)
		if (!md->used[pid]) {
			md->wraps++;
			return model_take(md, pid);
		}
	md->full++;
	return -EAGAIN;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

KTEST(pid, random_operations_match_model)
{
	static struct model md;
	struct pid_map *m = fresh(t, MODEL_MAX);
	uint64_t rng = 42;

	md = (struct model){ .pid_max = MODEL_MAX };
	for (int i = 0; i < 50000; i++) {
		uint64_t r = splitmix(&rng);
		int pid = (int)((r >> 32) % MODEL_MAX);
		int got, want;

		switch (r % 8) {
		case 0:
		case 1:
			/* Free a random PID: most are bad frees until the map fills. */
			want = pid == 0 ? -EINVAL : md.used[pid] ? 0 : -ENOENT;
			if (want == 0)
				md.used[pid] = 0, md.count--;
			got = pid_map_free(m, pid);
			break;
		case 2:
			want = pid == 0 ? -EINVAL : md.used[pid] ? -EEXIST : pid;
			if (want == pid)
				md.used[pid] = 1, md.count++;
			got = pid_map_alloc_specific(m, pid);
			break;
		default:
			want = model_alloc(&md);
			got = pid_map_alloc(m);
			break;
		}
		if (got != want) {
			ktest_diag(t, "operation %d (kind %d, pid %d)", i, (int)(r % 8), pid);
			ASSERT_EQ(t, got, want);
		}
	}
	EXPECT_EQ(t, pid_map_count(m), md.count);
	EXPECT_TRUE(t, pid_map_check(m));
	/* The walk went round many times and hit a full map: the interesting paths ran. */
	EXPECT_GT(t, md.wraps, 20);
	EXPECT_GT(t, md.full, 20);
}

/* ---------------------------------------------------------------- edges */

/* pid_map_init makes a usable map of any memory: the lock and the counters included. */
KTEST(pid, init_resets_a_reused_map)
{
	struct pid_map *m = &map;
	uint8_t *raw = (uint8_t *)m;

	for (size_t i = 0; i < sizeof(*m); i++)
		raw[i] = 0xa5;
	ASSERT_EQ(t, pid_map_init(m, storage, 4096), 0);
	EXPECT_EQ(t, pid_map_bad_frees(m), 0);
	EXPECT_EQ(t, pid_map_count(m), 0);
	EXPECT_EQ(t, pid_map_alloc(m), 1);
	EXPECT_TRUE(t, pid_map_in_use(m, 1));
}

/* Each thing pid_map_check promises to look at, broken alone, makes it fail. */
KTEST(pid, check_sees_each_kind_of_damage)
{
	struct pid_map *m = fresh(t, 4096);

	expect_run(t, m, 1, 5);
	ASSERT_TRUE(t, pid_map_check(m));

	storage[100 / 64] |= 1ull << (100 % 64);	/* a leaf bit behind the summaries' back */
	EXPECT_FALSE(t, pid_map_check(m));
	storage[100 / 64] &= ~(1ull << (100 % 64));
	ASSERT_TRUE(t, pid_map_check(m));

	storage[0] &= ~1ull;				/* PID 0 let go */
	EXPECT_FALSE(t, pid_map_check(m));
	storage[0] |= 1ull;

	m->last = -1;
	EXPECT_FALSE(t, pid_map_check(m));
	m->last = 4096;
	EXPECT_FALSE(t, pid_map_check(m));
	m->last = 4095;
	EXPECT_TRUE(t, pid_map_check(m));
}

/*
 * The value is read into 32 bytes: up to 30 characters it is read whole,
 * leading zeros and all; 31 or more could have been cut, so it is refused.
 */
KTEST(pid, parse_pid_max_of_long_values)
{
	int v = 0;

	/* 30 characters */
	EXPECT_EQ(t, pid_parse_max("pid_max=000000000000000000000000004096", &v), 0);
	EXPECT_EQ(t, v, 4096);
	/* 31 and 32 characters */
	EXPECT_EQ(t, pid_parse_max("pid_max=0000000000000000000000000004096", &v), -EINVAL);
	EXPECT_EQ(t, v, PID_MAX_DEFAULT);
	EXPECT_EQ(t, pid_parse_max("pid_max=00000000000000000000000000040960", &v), -EINVAL);
	EXPECT_EQ(t, v, PID_MAX_DEFAULT);
}

/* ---------------------------------------------------------------- walk */

struct runs {
	int n;
	int first[8], end[8];
};

static void note_run(void *arg, int first, int end)
{
	struct runs *r = arg;

	if (r->n < 8) {
		r->first[r->n] = first;
		r->end[r->n] = end;
	}
	r->n++;
}

KTEST(pid, walk_of_an_empty_map_has_no_runs)
{
	struct pid_map *m = fresh(t, PID_MAX_MIN);
	struct runs r = { 0 };
	int last = -1;

	EXPECT_EQ(t, pid_map_walk(m, &last, note_run, &r), 0);
	EXPECT_EQ(t, r.n, 0);
	EXPECT_EQ(t, last, 0);
}

KTEST(pid, walk_reports_each_run_and_the_cursor)
{
	struct pid_map *m = fresh(t, 4096);
	struct runs r = { 0 };
	int last = -1;

	expect_run(t, m, 1, 70);			/* 1-70: across the first word */
	EXPECT_EQ(t, pid_map_free(m, 5), 0);		/* 1-4, 6-70 */
	EXPECT_EQ(t, pid_map_alloc_specific(m, 300), 300);
	EXPECT_EQ(t, pid_map_alloc_specific(m, 4095), 4095);	/* the last PID */
	ASSERT_EQ(t, pid_map_walk(m, &last, note_run, &r), 4 + 65 + 1 + 1);
	ASSERT_EQ(t, r.n, 4);
	EXPECT_EQ(t, r.first[0], 1);
	EXPECT_EQ(t, r.end[0], 5);
	EXPECT_EQ(t, r.first[1], 6);
	EXPECT_EQ(t, r.end[1], 71);
	EXPECT_EQ(t, r.first[2], 300);
	EXPECT_EQ(t, r.end[2], 301);
	EXPECT_EQ(t, r.first[3], 4095);
	EXPECT_EQ(t, r.end[3], 4096);
	EXPECT_EQ(t, last, 70);
}

KTEST(pid, walk_of_a_full_map_is_one_run)
{
	struct pid_map *m = fresh(t, 1000);
	struct runs r = { 0 };
	int last = -1;

	expect_run(t, m, 1, 999);
	EXPECT_EQ(t, pid_map_walk(m, &last, note_run, &r), 999);
	ASSERT_EQ(t, r.n, 1);
	EXPECT_EQ(t, r.first[0], 1);
	EXPECT_EQ(t, r.end[0], 1000);
	EXPECT_EQ(t, last, 999);
}
