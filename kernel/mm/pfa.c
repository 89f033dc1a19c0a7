// SPDX-License-Identifier: MIT
/* Page-frame allocator core: a hierarchical bitmap of frames, a lock, per-CPU caches refilled next-fit. */

#include <kernel/assert.h>
#include <kernel/mm.h>
#include <kernel/pfa.h>

/* Where CPU cpu's refills start: its share of [floor, nframes), rounded down to PFA_LINE_FRAMES (pfa.h). */
static uint64_t cpu_start(const struct pfa *p, unsigned int cpu)
{
	uint64_t f = p->floor + (p->nframes - p->floor) * cpu / p->ncpus;

	f &= ~(uint64_t)(PFA_LINE_FRAMES - 1);
	return f < p->floor ? p->floor : f;
}

size_t pfa_storage_words(uint64_t nframes)
{
	return hbm_storage_words(nframes) + 3 * BM_WORDS(nframes);
}

void pfa_init(struct pfa *p, uint64_t *storage, uint64_t nframes, uint64_t floor,
	      unsigned int ncpus)
{
	unsigned int i;

	spin_init(&p->lock);
	hbm_init_full(&p->free, storage, nframes);
	p->reserved = storage + hbm_storage_words(nframes);
	p->inuse = p->reserved + BM_WORDS(nframes);
	p->poisoned = p->inuse + BM_WORDS(nframes);
	bm_fill(p->reserved, nframes);
	bm_zero(p->inuse, nframes);
	bm_zero(p->poisoned, nframes);
	p->nframes = nframes;
	p->floor = floor < nframes ? floor : nframes;
	p->nreserved = nframes;
	p->virt_base = 0;
	p->flags = 0;
	p->ncpus = ncpus == 0 ? 1 : ncpus > PFA_MAX_CPUS ? PFA_MAX_CPUS : ncpus;
	p->poisoning = 0;
	p->bad_frees = p->failed = p->poison_errors = 0;
	for (i = 0; i < PFA_MAX_CPUS; i++) {
		spin_init(&p->cache[i].lock);
		p->cache[i].count = 0;
		p->cache[i].hint = cpu_start(p, i);	/* past ncpus: never used */
	}
}

void pfa_add_frames(struct pfa *p, uint64_t first, uint64_t n)
{
	if (first >= p->nframes || n == 0)
		return;
	if (n > p->nframes - first)
		n = p->nframes - first;
	p->nreserved -= bm_weight_range(p->reserved, first, n);
	bm_clear_range(p->reserved, first, n);
	hbm_clear_range(&p->free, first, n);
}

/* Flags are set before the first allocation; stale poison marks from earlier are forgotten. */
void pfa_set_mapping(struct pfa *p, uintptr_t virt_base, unsigned int flags)
{
	p->virt_base = virt_base;
	p->flags = virt_base ? flags : 0;
	bm_zero(p->poisoned, p->nframes);
}

static uint32_t *frame_words(const struct pfa *p, uint64_t frame)
{
	return (uint32_t *)(p->virt_base + (uintptr_t)(frame << FRAME_SHIFT));
}

/* Fill a freed frame with the poison pattern, before anyone else can see it free. */
static void poison(struct pfa *p, uint64_t frame)
{
	uint32_t *w = frame_words(p, frame);
	size_t i;

	for (i = 0; i < FRAME_SIZE / sizeof(*w); i++)
		w[i] = PFA_POISON_WORD;
	bm_set_atomic(p->poisoned, frame);
}

/* A frame poisoned when freed must still hold the pattern: anything else is a use after free. */
static void check_poison(struct pfa *p, uint64_t frame)
{
	const uint32_t *w = frame_words(p, frame);
	size_t i;

	for (i = 0; i < FRAME_SIZE / sizeof(*w); i++) {
		if (w[i] != PFA_POISON_WORD) {
			mm_log("pfa: frame 0x%llx was written while free: offset 0x%zx holds 0x%08x",
			       (unsigned long long)frame, i * sizeof(*w), w[i]);
			__atomic_fetch_add(&p->poison_errors, 1, __ATOMIC_RELAXED);
			return;
		}
	}
}

/* Debug: a frame leaving the allocator must still hold its poison, if it was poisoned. */
static void check_out(struct pfa *p, uint64_t frame)
{
	if ((p->flags & PFA_CHECK_POISON) && bm_test_and_clear_atomic(p->poisoned, frame))
		check_poison(p, frame);
	else if (p->flags & PFA_POISON)
		bm_clear_atomic(p->poisoned, frame);
}

/*
 * Every change to the inuse map happens under the lock that holds the
 * frame's other state (its cache's, or the pool's), so whoever holds every
 * lock sees frames that are in use, cached, in the pool or being poisoned,
 * never in between. The bits stay atomic: two CPUs under two cache locks
 * may change bits of one word.
 */

/* Mark a frame just taken from a cache or the pool in use (under that lock): false if it already was. */
static bool mark_in_use(struct pfa *p, uint64_t frame)
{
	return !bm_test_and_set_atomic(p->inuse, frame);
}

/*
 * The frame now belongs to the caller, locks released: check its poison.
 * A frame in a cache or the pool is never in use, so one that was already
 * marked means our own state is broken (not a caller's mistake): assert.
 */
static void hand_out(struct pfa *p, uint64_t frame, bool newly_in_use)
{
	assert(newly_in_use);
	if (p->flags)
		check_out(p, frame);
}

/* Mark a run in use (pool lock held). False if any frame already was. */
static bool mark_run_in_use(struct pfa *p, uint64_t first, uint64_t n)
{
	return bm_set_range_atomic(p->inuse, first, n);
}

/* The run now belongs to the caller, locks released: as hand_out, for each frame. */
static void hand_out_run(struct pfa *p, uint64_t first, uint64_t n, bool newly_in_use)
{
	uint64_t i;

	assert(newly_in_use);
	if (p->flags)
		for (i = first; i < first + n; i++)
			check_out(p, i);
}

/* Next-fit over [floor, nframes) from a cache's hint: one pool frame taken, or PFA_NONE. Pool lock held. */
static uint64_t pool_take(struct pfa *p, struct pfa_cache *c)
{
	uint64_t f = hbm_find_next_zero(&p->free, c->hint);

	if (f >= p->nframes)
		f = hbm_find_next_zero(&p->free, p->floor);
	if (f >= p->nframes)
		return PFA_NONE;
	hbm_set(&p->free, f);
	c->hint = f + 1;
	return f;
}

/* Fill an empty cache with up to a batch, lowest frame on top. Cache lock held. */
static void cache_refill(struct pfa *p, struct pfa_cache *c)
{
	uint64_t got[PFA_CACHE_BATCH];
	unsigned int n = 0;

	spin_lock(&p->lock);
	while (n < PFA_CACHE_BATCH && (got[n] = pool_take(p, c)) != PFA_NONE)
		n++;
	spin_unlock(&p->lock);
	while (n)
		c->frames[c->count++] = got[--n];
}

/* Return the n coldest (bottom) frames of a cache to the pool. Cache lock held. */
static void cache_spill(struct pfa *p, struct pfa_cache *c, unsigned int n)
{
	unsigned int i;

	spin_lock(&p->lock);
	for (i = 0; i < n; i++)
		hbm_clear(&p->free, c->frames[i]);
	spin_unlock(&p->lock);
	for (i = n; i < c->count; i++)
		c->frames[i - n] = c->frames[i];
	c->count -= n;
}

static struct pfa_cache *cache_of(struct pfa *p, unsigned int cpu)
{
	return &p->cache[cpu < p->ncpus ? cpu : cpu % p->ncpus];
}

void pfa_drain(struct pfa *p, unsigned int cpu)
{
	struct pfa_cache *c = cache_of(p, cpu);

	spin_lock(&c->lock);
	cache_spill(p, c, c->count);
	spin_unlock(&c->lock);
}

static void drain_all(struct pfa *p)
{
	unsigned int cpu;

	for (cpu = 0; cpu < p->ncpus; cpu++)
		pfa_drain(p, cpu);
}

static void count_failure(struct pfa *p)
{
	__atomic_fetch_add(&p->failed, 1, __ATOMIC_RELAXED);
}

uint64_t pfa_alloc_frame(struct pfa *p, unsigned int cpu)
{
	struct pfa_cache *c = cache_of(p, cpu);
	uint64_t f = PFA_NONE;
	bool marked = false;

	spin_lock(&c->lock);
	if (c->count == 0)
		cache_refill(p, c);
	if (c->count) {
		f = c->frames[--c->count];
		marked = mark_in_use(p, f);
	}
	spin_unlock(&c->lock);

	if (f == PFA_NONE) {
		/* The pool is empty, but other CPUs' caches may not be. */
		drain_all(p);
		spin_lock(&p->lock);
		f = pool_take(p, c);
		if (f != PFA_NONE)
			marked = mark_in_use(p, f);
		spin_unlock(&p->lock);
	}
	if (f == PFA_NONE) {
		mm_log("pfa: out of memory: no free frame left");
		count_failure(p);
		return PFA_NONE;
	}
	hand_out(p, f, marked);
	return f;
}

/* Lowest run of n pool frames in [start, limit), the first a multiple of align, or PFA_NONE. */
static uint64_t pool_find_run(struct pfa *p, uint64_t start, uint64_t n, uint64_t align,
			      uint64_t limit)
{
	uint64_t f = hbm_find_zero_area(&p->free, start, n, align - 1, 0);

	if (f >= limit || n > limit - f)
		return PFA_NONE;
	return f;
}

/* The floor applies to requests limited above it, whatever the map's size. *marked: see mark_run_in_use. */
static uint64_t pool_take_run(struct pfa *p, uint64_t n, uint64_t align, uint64_t limit,
			      bool *marked)
{
	uint64_t start = limit > p->floor ? p->floor : 0;
	uint64_t f;

	if (limit > p->nframes)
		limit = p->nframes;
	spin_lock(&p->lock);
	f = pool_find_run(p, start, n, align, limit);
	if (f != PFA_NONE) {
		hbm_set_range(&p->free, f, n);
		*marked = mark_run_in_use(p, f, n);
	}
	spin_unlock(&p->lock);
	return f;
}

uint64_t pfa_alloc_frames(struct pfa *p, uint64_t n, uint64_t align, uint64_t limit)
{
	uint64_t f;
	bool marked = false;

	if (align == 0)
		align = 1;
	if (n == 0 || (align & (align - 1))) {
		mm_log("pfa: bad request: %llu frames aligned to %llu",
		       (unsigned long long)n, (unsigned long long)align);
		count_failure(p);
		return PFA_NONE;
	}
	f = pool_take_run(p, n, align, limit, &marked);
	if (f == PFA_NONE) {
		/* Cached frames may be what breaks up the run. */
		drain_all(p);
		f = pool_take_run(p, n, align, limit, &marked);
	}
	if (f == PFA_NONE) {
		mm_log("pfa: no run of %llu free frames aligned to %llu below frame 0x%llx",
		       (unsigned long long)n, (unsigned long long)align,
		       (unsigned long long)limit);
		count_failure(p);
		return PFA_NONE;
	}
	hand_out_run(p, f, n, marked);
	return f;
}

static void bad_free(struct pfa *p, uint64_t frame, const char *why, const void *caller)
{
	mm_log("pfa: refused to free frame 0x%llx (phys 0x%llx): %s; caller %p",
	       (unsigned long long)frame, (unsigned long long)(frame << FRAME_SHIFT), why,
	       caller);
	__atomic_fetch_add(&p->bad_frees, 1, __ATOMIC_RELAXED);
}

/* Validate a free and take the frame back from its owner (its cache's lock held): NULL, or why not. */
static const char *take_back(struct pfa *p, uint64_t frame)
{
	if (frame >= p->nframes)
		return "out of range";
	if (bm_test(p->reserved, frame))
		return "reserved";
	if (!bm_test_and_clear_atomic(p->inuse, frame))
		return "not in use (double free?)";
	return NULL;
}

/*
 * Caches hold only frames at or above the floor: the next pfa_alloc_frame
 * on this CPU hands out whatever is on top. A frame from under the floor
 * (the AP trampoline's page) goes straight back to the pool instead.
 */
int pfa_free_frame(struct pfa *p, unsigned int cpu, uint64_t frame, const void *caller)
{
	struct pfa_cache *c = cache_of(p, cpu);
	const char *why;

	if (frame < p->floor)
		return pfa_free_frames(p, frame, 1, caller);
	spin_lock(&c->lock);
	why = take_back(p, frame);
	if (!why) {
		if (p->flags & PFA_POISON)
			poison(p, frame);
		if (c->count == PFA_CACHE_MAX)
			cache_spill(p, c, PFA_CACHE_BATCH);
		c->frames[c->count++] = frame;
	}
	spin_unlock(&c->lock);
	if (why) {
		bad_free(p, frame, why, caller);
		return -1;
	}
	return 0;
}

/*
 * Take back all of [first, first + n) or none (pool lock held): the inuse
 * bits are cleared all or nothing, which settles races with single-frame
 * frees under cache locks. NULL, or why not with *at the frame refused.
 */
static const char *take_back_run(struct pfa *p, uint64_t first, uint64_t n, uint64_t *at)
{
	uint64_t end = first + n;
	size_t clear;

	*at = first;
	if (first >= p->nframes || n > p->nframes - first)
		return "run out of range";
	/* Search only the run: nbits = end keeps a big free map from being scanned. */
	*at = bm_find_next(p->reserved, end, first);
	if (*at < end)
		return "reserved";
	if (bm_clear_range_if_set_atomic(p->inuse, p->nframes, first, n, &clear)) {
		*at = clear;
		return "not in use (double free?)";
	}
	return NULL;
}

/* Poison a run taken back, outside the pool lock (p->poisoning counts it meanwhile), then pool it. */
static void poison_run(struct pfa *p, uint64_t first, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		poison(p, first + i);
	spin_lock(&p->lock);
	hbm_clear_range(&p->free, first, n);
	p->poisoning -= n;
	spin_unlock(&p->lock);
}

int pfa_free_frames(struct pfa *p, uint64_t first, uint64_t n, const void *caller)
{
	const char *why;
	uint64_t at;

	if (n == 0)
		return 0;
	spin_lock(&p->lock);
	why = take_back_run(p, first, n, &at);
	if (!why && (p->flags & PFA_POISON))
		p->poisoning += n;
	else if (!why)
		hbm_clear_range(&p->free, first, n);
	spin_unlock(&p->lock);
	if (why) {
		bad_free(p, at, why, caller);
		return -1;
	}
	if (p->flags & PFA_POISON)
		poison_run(p, first, n);
	return 0;
}

bool pfa_frame_in_use(const struct pfa *p, uint64_t frame)
{
	return frame < p->nframes && bm_test_atomic(p->inuse, frame);
}

bool pfa_frame_reserved(const struct pfa *p, uint64_t frame)
{
	return frame < p->nframes && bm_test(p->reserved, frame);
}

void pfa_lock_all(struct pfa *p)
{
	unsigned int i;

	for (i = 0; i < p->ncpus; i++)
		spin_lock(&p->cache[i].lock);
	spin_lock(&p->lock);
}

void pfa_unlock_all(struct pfa *p)
{
	unsigned int i;

	spin_unlock(&p->lock);
	for (i = 0; i < p->ncpus; i++)
		spin_unlock(&p->cache[i].lock);
}

static uint64_t cached_frames(const struct pfa *p)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < p->ncpus; i++)
		n += p->cache[i].count;
	return n;
}

void pfa_get_stats(struct pfa *p, struct pfa_stats *s)
{
	pfa_lock_all(p);
	s->total = p->nframes;
	s->reserved = p->nreserved;
	s->usable = p->nframes - p->nreserved;
	s->cached = cached_frames(p);
	s->free = p->nframes - hbm_weight(&p->free) + s->cached;
	s->used = s->usable - s->free;
	pfa_unlock_all(p);
	s->bad_frees = __atomic_load_n(&p->bad_frees, __ATOMIC_RELAXED);
	s->failed = __atomic_load_n(&p->failed, __ATOMIC_RELAXED);
	s->poison_errors = __atomic_load_n(&p->poison_errors, __ATOMIC_RELAXED);
}

static bool check_fail(const char *what, uint64_t frame)
{
	mm_log("pfa: check failed: %s (frame 0x%llx)", what, (unsigned long long)frame);
	return false;
}

/*
 * Take cached frames out of the pool map, in cache order, until one is
 * out of range, below the floor, in the pool (or cached twice: taken out
 * already), reserved or in use: *bad is that frame, else PFA_NONE.
 * Returns how many were taken out. Every lock held: the pool map is the
 * checker's alone until repool_cached puts them back; the inuse map,
 * which frees and allocations change under cache locks, is only read.
 */
static uint64_t unpool_cached(struct pfa *p, uint64_t *bad)
{
	uint64_t taken = 0;
	unsigned int i, k;

	*bad = PFA_NONE;
	for (i = 0; i < p->ncpus; i++) {
		for (k = 0; k < p->cache[i].count; k++) {
			uint64_t f = p->cache[i].frames[k];

			if (f >= p->nframes || f < p->floor || !hbm_test(&p->free, f) ||
			    bm_test(p->reserved, f) || bm_test(p->inuse, f)) {
				*bad = f;
				return taken;
			}
			hbm_clear(&p->free, f);
			taken++;
		}
	}
	return taken;
}

/* Put back the first `taken` frames unpool_cached took out. */
static void repool_cached(struct pfa *p, uint64_t taken)
{
	unsigned int i, k;

	for (i = 0; i < p->ncpus; i++)
		for (k = 0; k < p->cache[i].count && taken; k++, taken--)
			hbm_set(&p->free, p->cache[i].frames[k]);
}

/* Cached frames are outside the pool, at or above the floor, not in use, not reserved, cached once. */
static bool check_caches(struct pfa *p)
{
	uint64_t bad;

	repool_cached(p, unpool_cached(p, &bad));
	return bad == PFA_NONE || check_fail("cached frame misplaced or cached twice", bad);
}

static bool check_locked(struct pfa *p)
{
	uint64_t n = p->nframes, f;

	if (!hbm_check(&p->free))
		return check_fail("hbm summaries disagree with the leaves", 0);
	if (bm_weight(p->reserved, n) != p->nreserved)
		return check_fail("reserved count", p->nreserved);
	if ((f = hbm_find_next_zero_and(&p->free, p->reserved, 0)) < n)
		return check_fail("reserved frame in the pool", f);
	if ((f = hbm_find_next_zero_and(&p->free, p->inuse, 0)) < n)
		return check_fail("frame in use and in the pool", f);
	if ((f = bm_find_next_and(p->inuse, p->reserved, n, 0)) < n)
		return check_fail("reserved frame in use", f);
	if (!check_caches(p))
		return false;
	if (hbm_weight(&p->free) !=
	    p->nreserved + bm_weight(p->inuse, n) + cached_frames(p) + p->poisoning)
		return check_fail("frames neither free, cached, in use, being poisoned nor reserved", 0);
	return true;
}

bool pfa_check(struct pfa *p)
{
	bool ok;

	pfa_lock_all(p);
	ok = check_locked(p);
	pfa_unlock_all(p);
	return ok;
}
