/* SPDX-License-Identifier: MIT */
/* Atomic single-bit operations, included by <bitmap/bitmap.h>; see its contract for ordering. */
#ifndef BITMAP_ATOMIC_H
#define BITMAP_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * On x86-64 these are the locked bit instructions: one instruction, and
 * the lock prefix makes each a full barrier, which covers every ordering
 * the contract promises. The "memory" clobber keeps the compiler from
 * moving other accesses across them. The bit operand is taken modulo 64
 * and the memory operand is the word itself, so bit-string addressing
 * never reaches another word. (gcc turns __atomic_fetch_or into a lock
 * cmpxchg loop when the old bit is wanted, about twice the cost.)
 * Under ThreadSanitizer, and off x86-64, the __atomic builtins with the
 * orderings of the contract are used instead, so TSan can check callers.
 */
#if defined(__SANITIZE_THREAD__)
#define BM__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BM__TSAN 1
#endif
#endif

#if defined(__x86_64__) && !defined(BM__TSAN)

#define BM__LOCKED_BITOP(insn, map, i) ({					\
	bool bm__old;								\
	__asm__ volatile("lock " insn "q %2, %0"				\
			 : "+m" ((map)[(i) / 64]), "=@ccc" (bm__old)		\
			 : "r" ((uint64_t)((i) % 64))				\
			 : "memory");						\
	bm__old;								\
})

#define BM__SET(map, i, order)		BM__LOCKED_BITOP("bts", map, i)
#define BM__CLEAR(map, i, order)	BM__LOCKED_BITOP("btr", map, i)
#define BM__CHANGE(map, i, order)	BM__LOCKED_BITOP("btc", map, i)

#else

#define BM__SET(map, i, order) \
	((__atomic_fetch_or(&(map)[(i) / 64], (uint64_t)1 << ((i) % 64), order) >> ((i) % 64)) & 1)
#define BM__CLEAR(map, i, order) \
	((__atomic_fetch_and(&(map)[(i) / 64], ~((uint64_t)1 << ((i) % 64)), order) >> ((i) % 64)) & 1)
#define BM__CHANGE(map, i, order) \
	((__atomic_fetch_xor(&(map)[(i) / 64], (uint64_t)1 << ((i) % 64), order) >> ((i) % 64)) & 1)

#endif

/* Is bit i set? An acquire load. */
static inline bool bm_test_atomic(const uint64_t *map, size_t i)
{
	return (__atomic_load_n(&map[i / 64], __ATOMIC_ACQUIRE) >> (i % 64)) & 1;
}

/* Set bit i (release: what was written before is visible to whoever sees the bit). */
static inline void bm_set_atomic(uint64_t *map, size_t i)
{
	(void)BM__SET(map, i, __ATOMIC_RELEASE);
}

/* Clear bit i (release: ends a critical section or frees a slot). */
static inline void bm_clear_atomic(uint64_t *map, size_t i)
{
	(void)BM__CLEAR(map, i, __ATOMIC_RELEASE);
}

/* Flip bit i (acquire-release). */
static inline void bm_change_atomic(uint64_t *map, size_t i)
{
	(void)BM__CHANGE(map, i, __ATOMIC_ACQ_REL);
}

/* Set bit i; was it set before? Acquire: a false return took the bit. */
static inline bool bm_test_and_set_atomic(uint64_t *map, size_t i)
{
	return BM__SET(map, i, __ATOMIC_ACQUIRE);
}

/* Clear bit i; was it set before? Acquire-release. */
static inline bool bm_test_and_clear_atomic(uint64_t *map, size_t i)
{
	return BM__CLEAR(map, i, __ATOMIC_ACQ_REL);
}

/* Flip bit i; was it set before? Acquire-release. */
static inline bool bm_test_and_change_atomic(uint64_t *map, size_t i)
{
	return BM__CHANGE(map, i, __ATOMIC_ACQ_REL);
}

/* Word w of a map others may be changing atomically (relaxed: for scans). */
static inline uint64_t bm__load_word_relaxed(const uint64_t *map, size_t w)
{
	return __atomic_load_n(&map[w], __ATOMIC_RELAXED);
}

#endif /* BITMAP_ATOMIC_H */
