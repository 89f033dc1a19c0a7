// SPDX-License-Identifier: MIT
/* The kernel heap: bitmap-tracked slabs for 16 B .. 2 KiB, whole frames above. */

#include <kernel/heap.h>
#include <kernel/mm.h>

#define SLAB_MAGIC	0x534c4142u	/* "SLAB" */

/* A slab's header sits at its start; objects follow from `first` objects in. */
struct slab {
	uint32_t magic;
	uint16_t cls;
	uint16_t first;
	uint16_t nobjects;
	uint16_t nfree;
	struct slab *next, *prev;	/* in the class's partial list */
	uint64_t used[BM_WORDS(SLAB_MAX_OBJECTS)];
};

_Static_assert(sizeof(struct slab) <= SLAB_SIZE / 8, "slab header eats a 2 KiB object at most");
_Static_assert(SLAB_FRAMES * FRAME_SIZE == SLAB_SIZE, "slab size");

size_t heap_storage_words(uint64_t nframes)
{
	return BM_WORDS(nframes / SLAB_FRAMES + 1) + 2 * BM_WORDS(nframes);
}

void heap_init(struct heap *h, struct pfa *p, uintptr_t virt_base, uint64_t *storage)
{
	unsigned int i;

	h->pfa = p;
	h->virt_base = virt_base;
	h->nframes = p->nframes;
	spin_init(&h->lock);
	h->slab_map = storage;
	h->large_head = h->slab_map + BM_WORDS(h->nframes / SLAB_FRAMES + 1);
	h->large_tail = h->large_head + BM_WORDS(h->nframes);
	bm_zero(h->slab_map, h->nframes / SLAB_FRAMES + 1);
	bm_zero(h->large_head, h->nframes);
	bm_zero(h->large_tail, h->nframes);
	h->large = h->large_frames = 0;
	h->bad_frees = h->failed = 0;
	for (i = 0; i < HEAP_CLASSES; i++) {
		spin_init(&h->cls[i].lock);
		h->cls[i].partial = h->cls[i].empty = NULL;
		h->cls[i].size = 1u << (HEAP_MIN_SHIFT + i);
		h->cls[i].slabs = h->cls[i].objects = 0;
	}
}

static unsigned int class_of(size_t size)
{
	unsigned int shift = size <= (1u << HEAP_MIN_SHIFT) ? HEAP_MIN_SHIFT :
			     64 - (unsigned int)__builtin_clzll(size - 1);

	return shift - HEAP_MIN_SHIFT;
}

static void *frame_virt(const struct heap *h, uint64_t frame)
{
	return (void *)(h->virt_base + (uintptr_t)(frame << FRAME_SHIFT));
}

static uint64_t virt_frame(const struct heap *h, uintptr_t a)
{
	return (a - h->virt_base) >> FRAME_SHIFT;
}

static void list_push(struct slab **head, struct slab *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void list_del(struct slab **head, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

/* A fresh slab for class cls, or NULL. Class lock held. */
static struct slab *slab_new(struct heap *h, unsigned int cls)
{
	uint64_t f = pfa_alloc_frames(h->pfa, SLAB_FRAMES, SLAB_FRAMES, PFA_NONE);
	uint32_t size = h->cls[cls].size;
	struct slab *s;

	if (f == PFA_NONE)
		return NULL;
	s = frame_virt(h, f);
	s->magic = SLAB_MAGIC;
	s->cls = (uint16_t)cls;
	s->first = (uint16_t)((sizeof(*s) + size - 1) / size);
	s->nobjects = (uint16_t)(SLAB_SIZE / size - s->first);
	s->nfree = s->nobjects;
	bm_zero(s->used, SLAB_MAX_OBJECTS);
	spin_lock(&h->lock);
	bm_set(h->slab_map, f / SLAB_FRAMES);
	spin_unlock(&h->lock);
	h->cls[cls].slabs++;
	return s;
}

/* Give an empty slab's frames back. Class lock held. */
static void slab_release(struct heap *h, struct slab *s)
{
	uint64_t f = virt_frame(h, (uintptr_t)s);

	spin_lock(&h->lock);
	bm_clear(h->slab_map, f / SLAB_FRAMES);
	spin_unlock(&h->lock);
	s->magic = 0;
	h->cls[s->cls].slabs--;
	pfa_free_frames(h->pfa, f, SLAB_FRAMES, __builtin_return_address(0));
}

static void count_failure(struct heap *h, size_t size)
{
	mm_log("heap: out of memory for %zu bytes", size);
	__atomic_fetch_add(&h->failed, 1, __ATOMIC_RELAXED);
}

static void *alloc_small(struct heap *h, size_t size)
{
	unsigned int cls = class_of(size);
	struct heap_class *c = &h->cls[cls];
	struct slab *s;
	size_t i;

	spin_lock(&c->lock);
	s = c->partial;
	if (!s) {
		s = c->empty ? c->empty : slab_new(h, cls);
		c->empty = NULL;
		if (!s) {
			spin_unlock(&c->lock);
			count_failure(h, size);
			return NULL;
		}
		list_push(&c->partial, s);
	}
	i = bm_find_first_zero(s->used, s->nobjects);
	bm_set(s->used, i);
	if (--s->nfree == 0)
		list_del(&c->partial, s);
	c->objects++;
	spin_unlock(&c->lock);
	return (uint8_t *)s + (s->first + i) * c->size;
}

static void *alloc_large(struct heap *h, size_t size)
{
	uint64_t n = (size + FRAME_SIZE - 1) >> FRAME_SHIFT;
	uint64_t f = pfa_alloc_frames(h->pfa, n, 1, PFA_NONE);

	if (f == PFA_NONE) {
		count_failure(h, size);
		return NULL;
	}
	spin_lock(&h->lock);
	bm_set(h->large_head, f);
	if (n > 1)
		bm_set_range(h->large_tail, f + 1, n - 1);
	h->large++;
	h->large_frames += n;
	spin_unlock(&h->lock);
	return frame_virt(h, f);
}

void *heap_alloc(struct heap *h, size_t size)
{
	if (size == 0)
		return NULL;
	if (size <= HEAP_MAX_SMALL)
		return alloc_small(h, size);
	if (size > (h->nframes << FRAME_SHIFT)) {
		count_failure(h, size);
		return NULL;
	}
	return alloc_large(h, size);
}

void *heap_zalloc(struct heap *h, size_t size)
{
	uint8_t *p = heap_alloc(h, size);
	size_t i;

	for (i = 0; p && i < size; i++)
		p[i] = 0;
	return p;
}

static int bad_free(struct heap *h, const void *p, const char *why, const void *caller)
{
	mm_log("heap: refused to free %p: %s; caller %p", p, why, caller);
	__atomic_fetch_add(&h->bad_frees, 1, __ATOMIC_RELAXED);
	return -1;
}

/* Frames in the large allocation starting at frame f, or 0 if none starts there. Heap lock held. */
static uint64_t large_frames_at(const struct heap *h, uint64_t f)
{
	if (!bm_test(h->large_head, f))
		return 0;
	return bm_find_next_zero(h->large_tail, h->nframes, f + 1) - f;
}

/* Free the large allocation at frame f: false if none starts there. */
static bool free_large(struct heap *h, uint64_t f, const void *caller)
{
	uint64_t n;

	spin_lock(&h->lock);
	n = large_frames_at(h, f);
	if (n) {
		bm_clear(h->large_head, f);
		if (n > 1)
			bm_clear_range(h->large_tail, f + 1, n - 1);
		h->large--;
		h->large_frames -= n;
	}
	spin_unlock(&h->lock);
	if (n)
		pfa_free_frames(h->pfa, f, n, caller);
	return n != 0;
}

/* The live slab holding address a, or NULL. Heap lock held. */
static struct slab *slab_at(const struct heap *h, uintptr_t a)
{
	uint64_t block = virt_frame(h, a) / SLAB_FRAMES;

	if (!bm_test(h->slab_map, block))
		return NULL;
	return frame_virt(h, block * SLAB_FRAMES);
}

/* Object index of a in s, or -1 if a is not the start of an object. */
static long object_index(const struct slab *s, uint32_t size, uintptr_t a)
{
	uintptr_t off = a - (uintptr_t)s;

	if (off % size || off / size < s->first || off / size - s->first >= s->nobjects)
		return -1;
	return (long)(off / size - s->first);
}

/* Mark object i of s free; the slab may go back to the partial list, or away. Class lock held. */
static void put_object(struct heap *h, struct heap_class *c, struct slab *s, long i)
{
	bm_clear(s->used, (size_t)i);
	c->objects--;
	if (++s->nfree == 1)
		list_push(&c->partial, s);
	if (s->nfree < s->nobjects)
		return;
	list_del(&c->partial, s);
	if (!c->empty)
		c->empty = s;
	else
		slab_release(h, s);
}

/*
 * s, found holding a under the heap lock and then let go, if it still is
 * the live slab of class cls there; else NULL. Class lock held.
 */
static struct slab *slab_still_there(struct heap *h, struct slab *s, unsigned int cls,
				     uintptr_t a)
{
	spin_lock(&h->lock);
	if (slab_at(h, a) != s || s->cls != cls)
		s = NULL;
	spin_unlock(&h->lock);
	return s;
}

static int free_small(struct heap *h, void *p, const void *caller)
{
	struct heap_class *c;
	struct slab *s;
	unsigned int cls;
	long i;

	spin_lock(&h->lock);
	s = slab_at(h, (uintptr_t)p);
	cls = s ? s->cls : HEAP_CLASSES;
	spin_unlock(&h->lock);
	if (cls >= HEAP_CLASSES)
		return bad_free(h, p, "not allocated by the heap", caller);
	c = &h->cls[cls];
	spin_lock(&c->lock);
	s = slab_still_there(h, s, cls, (uintptr_t)p);
	i = s ? object_index(s, c->size, (uintptr_t)p) : -1;
	if (i < 0) {
		spin_unlock(&c->lock);
		return bad_free(h, p, s ? "not the start of an object" : "not allocated by the heap",
				caller);
	}
	if (!bm_test(s->used, (size_t)i)) {
		spin_unlock(&c->lock);
		return bad_free(h, p, "already free (double free?)", caller);
	}
	put_object(h, c, s, i);
	spin_unlock(&c->lock);
	return 0;
}

int heap_free(struct heap *h, void *p, const void *caller)
{
	uintptr_t a = (uintptr_t)p;

	if (!p)
		return 0;
	if (a < h->virt_base || virt_frame(h, a) >= h->nframes)
		return bad_free(h, p, "outside the heap", caller);
	if (a % FRAME_SIZE == 0 && free_large(h, virt_frame(h, a), caller))
		return 0;
	return free_small(h, p, caller);
}

/* The size of the live object at a in slab s of class cls, or 0. */
static size_t small_usable_size(struct heap *h, struct slab *s, unsigned int cls, uintptr_t a)
{
	struct heap_class *c = &h->cls[cls];
	size_t size = 0;
	long i;

	spin_lock(&c->lock);	/* s->used changes under it, a word shared by neighbours */
	s = slab_still_there(h, s, cls, a);
	i = s ? object_index(s, c->size, a) : -1;
	if (i >= 0 && bm_test(s->used, (size_t)i))
		size = c->size;
	spin_unlock(&c->lock);
	return size;
}

size_t heap_usable_size(struct heap *h, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	size_t size = 0;
	struct slab *s;
	unsigned int cls;

	if (!p || a < h->virt_base || virt_frame(h, a) >= h->nframes)
		return 0;
	spin_lock(&h->lock);
	if (a % FRAME_SIZE == 0)
		size = large_frames_at(h, virt_frame(h, a)) << FRAME_SHIFT;
	s = size ? NULL : slab_at(h, a);
	cls = s ? s->cls : HEAP_CLASSES;
	spin_unlock(&h->lock);
	if (cls >= HEAP_CLASSES)
		return size;
	return small_usable_size(h, s, cls, a);
}

void heap_get_stats(struct heap *h, struct heap_stats *s)
{
	unsigned int i;

	s->objects = s->slabs = 0;
	for (i = 0; i < HEAP_CLASSES; i++) {
		spin_lock(&h->cls[i].lock);
		s->class_objects[i] = h->cls[i].objects;
		s->objects += h->cls[i].objects;
		s->slabs += h->cls[i].slabs;
		spin_unlock(&h->cls[i].lock);
	}
	spin_lock(&h->lock);
	s->large = h->large;
	s->large_frames = h->large_frames;
	spin_unlock(&h->lock);
	s->bad_frees = __atomic_load_n(&h->bad_frees, __ATOMIC_RELAXED);
	s->failed = __atomic_load_n(&h->failed, __ATOMIC_RELAXED);
}

static void *bm_heap_alloc(void *ctx, size_t bytes)
{
	return heap_alloc(ctx, bytes);
}

static void bm_heap_free(void *ctx, void *p, size_t bytes)
{
	(void)bytes;
	heap_free(ctx, p, __builtin_return_address(0));
}

void heap_bm_alloc_init(struct bm_alloc *a, struct heap *h)
{
	a->alloc = bm_heap_alloc;
	a->free = bm_heap_free;
	a->ctx = h;
}
