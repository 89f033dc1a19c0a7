// SPDX-License-Identifier: MIT
/* Growable bitmaps on a caller's allocator (the NanoVMs bitmap object). */
#include <bitmap/bitmap.h>

#define WORD_BYTES	sizeof(uint64_t)

static void free_words(struct bm_dyn *d)
{
	if (d->words && !d->wrapped)
		d->a->free(d->a->ctx, d->words, d->capacity_bits / 8);
}

/* Move d to zeroed storage of capacity_bits (a multiple of 64, > d's). */
static int grow(struct bm_dyn *d, size_t capacity_bits)
{
	size_t old_words = d->capacity_bits / BM_WORD_BITS;
	size_t new_words = capacity_bits / BM_WORD_BITS;
	uint64_t *words = d->a->alloc(d->a->ctx, new_words * WORD_BYTES);

	if (!words)
		return -BM_ENOMEM;
	bm_copy(words, d->words, d->capacity_bits);
	for (size_t w = old_words; w < new_words; w++)
		words[w] = 0;
	free_words(d);
	d->words = words;
	d->capacity_bits = capacity_bits;
	d->wrapped = false;
	return 0;
}

static struct bm_dyn *new_handle(const struct bm_alloc *a)
{
	struct bm_dyn *d;

	if (!a)
		return NULL;
	d = a->alloc(a->ctx, sizeof(*d));
	if (d)
		*d = (struct bm_dyn){ .a = a };
	return d;
}

struct bm_dyn *bm_dyn_create(const struct bm_alloc *a, size_t nbits)
{
	struct bm_dyn *d;

	if (nbits > ~(size_t)0 - BM_WORD_BITS)
		return NULL;
	d = new_handle(a);
	if (!d)
		return NULL;
	if (nbits && grow(d, BM_WORDS(nbits) * BM_WORD_BITS) < 0) {
		a->free(a->ctx, d, sizeof(*d));
		return NULL;
	}
	d->nbits = nbits;
	return d;
}

void bm_dyn_free(struct bm_dyn *d)
{
	if (!d)
		return;
	free_words(d);
	d->a->free(d->a->ctx, d, sizeof(*d));
}

int bm_dyn_extend(struct bm_dyn *d, size_t bit)
{
	size_t cap;

	if (bit < d->nbits)
		return 0;
	if (bit >= d->capacity_bits) {
		if (bit > ~(size_t)0 - BM_EXTEND_BITS)
			return -BM_ENOMEM;
		cap = (bit / BM_EXTEND_BITS + 1) * BM_EXTEND_BITS;
		if (grow(d, cap) < 0)
			return -BM_ENOMEM;
	}
	/* The old tail may hold junk (whole-word writers, wrapped storage). */
	bm_clear_range(d->words, d->nbits, bit + 1 - d->nbits);
	d->nbits = bit + 1;
	BM_ASSERT(d->nbits <= d->capacity_bits);
	return 0;
}

struct bm_dyn *bm_dyn_clone(const struct bm_dyn *d)
{
	struct bm_dyn *c = bm_dyn_create(d->a, d->nbits);

	if (c)
		bm_copy(c->words, d->words, d->nbits);
	return c;
}

int bm_dyn_copy(struct bm_dyn *dst, const struct bm_dyn *src)
{
	if (src->nbits > dst->capacity_bits &&
	    grow(dst, BM_WORDS(src->nbits) * BM_WORD_BITS) < 0)
		return -BM_ENOMEM;
	bm_copy(dst->words, src->words, src->nbits);
	dst->nbits = src->nbits;
	return 0;
}

struct bm_dyn *bm_dyn_wrap(const struct bm_alloc *a, uint64_t *words, size_t nbits)
{
	struct bm_dyn *d = new_handle(a);

	if (!d)
		return NULL;
	d->words = words;
	d->nbits = nbits;
	d->capacity_bits = BM_WORDS(nbits) * BM_WORD_BITS;
	d->wrapped = true;
	return d;
}

uint64_t *bm_dyn_unwrap(struct bm_dyn *d)
{
	uint64_t *words = d->words;

	d->a->free(d->a->ctx, d, sizeof(*d));
	return words;
}

bool bm_dyn_test(const struct bm_dyn *d, size_t i)
{
	return i < d->nbits && bm_test(d->words, i);
}

int bm_dyn_assign(struct bm_dyn *d, size_t i, bool v)
{
	if (i >= d->nbits && bm_dyn_extend(d, i) < 0)
		return -BM_ENOMEM;
	bm_assign(d->words, i, v);
	return 0;
}
