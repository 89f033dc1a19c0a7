// SPDX-License-Identifier: MIT
/* PID allocator core: cyclic next-fit over a hierarchical bitmap, under one spinlock. */
#include <kernel/cmdline.h>
#include <kernel/pid.h>

size_t pid_map_storage_words(int pid_max)
{
	return hbm_storage_words((size_t)pid_max);
}

int pid_map_init(struct pid_map *m, uint64_t *storage, int pid_max)
{
	if (pid_max < PID_MAX_MIN || pid_max > PID_MAX_LIMIT)
		return -EINVAL;
	spin_init(&m->lock);
	/* Only free PIDs are ever searched for: the set tree would be pure write cost. */
	hbm_init_clear_tree(&m->used, storage, (size_t)pid_max);
	/* PID 0 is the idle task's: holding its bit keeps every search off it. */
	hbm_set(&m->used, 0);
	m->pid_max = pid_max;
	m->last = 0;
	m->bad_frees = 0;
	return 0;
}

static bool pid_valid(const struct pid_map *m, int pid)
{
	return pid > 0 && pid < m->pid_max;
}

/*
 * pid_map_alloc after the search from the cursor ran off the top of the
 * map: take the lowest free PID at or above PID_RESERVED, and unlock. Out
 * of line, so the common case stays free of spills.
 */
static __attribute__((noinline)) int alloc_wrapped(struct pid_map *m)
{
	size_t pid = hbm_take_next_zero(&m->used, PID_RESERVED);

	if (pid < (size_t)m->pid_max)
		m->last = (int)pid;
	spin_unlock(&m->lock);
	return pid < (size_t)m->pid_max ? (int)pid : -EAGAIN;
}

int pid_map_alloc(struct pid_map *m)
{
	size_t pid;

	spin_lock(&m->lock);
	/*
	 * The cursor's own word first, inline: after a random mix of frees it
	 * nearly always has a free PID. Past it, the search climbs the
	 * summaries, so a nearly full map costs O(log64 pid_max) words.
	 */
	pid = hbm_take_next_zero(&m->used, (size_t)m->last + 1);
	if (pid >= (size_t)m->pid_max)
		return alloc_wrapped(m);
	m->last = (int)pid;
	spin_unlock(&m->lock);
	return (int)pid;
}

int pid_map_alloc_specific(struct pid_map *m, int pid)
{
	bool taken;

	if (!pid_valid(m, pid))
		return -EINVAL;
	spin_lock(&m->lock);
	taken = hbm_test_and_set(&m->used, (size_t)pid);
	spin_unlock(&m->lock);
	return taken ? -EEXIST : pid;
}

int pid_map_free(struct pid_map *m, int pid)
{
	bool was_set;

	if (!pid_valid(m, pid))
		return -EINVAL;
	spin_lock(&m->lock);
	was_set = hbm_test_and_clear(&m->used, (size_t)pid);
	spin_unlock(&m->lock);
	if (was_set)
		return 0;
	__atomic_fetch_add(&m->bad_frees, 1, __ATOMIC_RELAXED);
	return -ENOENT;
}

bool pid_map_in_use(struct pid_map *m, int pid)
{
	bool set;

	if (!pid_valid(m, pid))
		return false;
	spin_lock(&m->lock);
	set = hbm_test(&m->used, (size_t)pid);
	spin_unlock(&m->lock);
	return set;
}

int pid_map_count(struct pid_map *m)
{
	size_t n;

	spin_lock(&m->lock);
	n = hbm_weight(&m->used);
	spin_unlock(&m->lock);
	return (int)n - 1;	/* PID 0's bit */
}

int pid_map_max(const struct pid_map *m)
{
	return m->pid_max;
}

unsigned long pid_map_bad_frees(const struct pid_map *m)
{
	return __atomic_load_n(&m->bad_frees, __ATOMIC_RELAXED);
}

bool pid_map_check(struct pid_map *m)
{
	bool ok;

	spin_lock(&m->lock);
	ok = hbm_check(&m->used) && hbm_test(&m->used, 0) &&
	     m->last >= 0 && m->last < m->pid_max;
	spin_unlock(&m->lock);
	return ok;
}

/*
 * s as a decimal number, saturating at PID_MAX_LIMIT + 1 (so no overflow);
 * -1 if it is not one, or if it fills a buffer of `room` bytes (it may have
 * been cut short there).
 */
static int parse_decimal(const char *s, size_t room)
{
	size_t len = 0;
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || ++len >= room - 1)
			return -1;
		v = v * 10 + (*s - '0');
		if (v > PID_MAX_LIMIT)
			v = PID_MAX_LIMIT + 1;
	}
	return v;
}

int pid_parse_max(const char *cmdline, int *pid_max)
{
	char val[32];
	int v;

	*pid_max = PID_MAX_DEFAULT;
	if (!cmdline_get(cmdline, "pid_max", val, sizeof(val)))
		return 0;
	v = parse_decimal(val, sizeof(val));
	if (v < 0)
		return -EINVAL;
	if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) {
		*pid_max = v < PID_MAX_MIN ? PID_MAX_MIN : PID_MAX_LIMIT;
		return -ERANGE;
	}
	*pid_max = v;
	return 0;
}

int pid_map_walk(struct pid_map *m, int *last, void (*fn)(void *arg, int first, int end),
		 void *arg)
{
	size_t max = (size_t)m->pid_max, count = 0, end;

	spin_lock(&m->lock);
	*last = m->last;
	/* From 1: PID 0's bit is always set, and it is never handed out. */
	for (size_t pid = hbm_find_next(&m->used, 1); pid < max; pid = hbm_find_next(&m->used, end)) {
		end = hbm_find_next_zero(&m->used, pid);
		fn(arg, (int)pid, (int)end);
		count += end - pid;
	}
	spin_unlock(&m->lock);
	return (int)count;
}
