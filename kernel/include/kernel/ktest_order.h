/* SPDX-License-Identifier: MIT */
/*
 * The order ktest runs suites in, shared by both backends. By default suites
 * run in name order. With a shuffle seed (ktest.shuffle=SEED in the kernel,
 * KTEST_SHUFFLE=SEED or --shuffle=SEED on the host) they run in an order
 * drawn from the seed, so a case that only passes after (or before) another
 * suite shows up. Cases inside a suite keep their source order.
 *
 * A suite's place comes from its name and the seed alone: the same seed
 * gives the same relative order on both backends and under any filter.
 * Portable: <stdint.h> and <stdbool.h> only.
 */
#ifndef KERNEL_KTEST_ORDER_H
#define KERNEL_KTEST_ORDER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The sort key of suite `name` under `seed`: FNV-1a of the name, mixed with
 * the seed by splitmix64's finalizer. Ties (unlikely) fall back to the name.
 */
static inline uint64_t ktest_suite_key(const char *name, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*name)
		h = (h ^ (uint8_t)*name++) * 0x100000001b3ull;
	h ^= seed + 0x9e3779b97f4a7c15ull;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/*
 * Compare suites a and b by their keys under seed: <0, 0 (same key) or >0.
 * The caller breaks a tie by name.
 */
static inline int ktest_suite_key_cmp(const char *a, const char *b, uint64_t seed)
{
	uint64_t ka = ktest_suite_key(a, seed), kb = ktest_suite_key(b, seed);

	return (ka > kb) - (ka < kb);
}

/*
 * Is s a shuffle seed, a decimal number from 0 to 2^64 - 1 with nothing
 * after it? If so store it in *seed.
 */
static inline bool ktest_parse_seed(const char *s, uint64_t *seed)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*seed = v;
	return true;
}

#endif /* KERNEL_KTEST_ORDER_H */
