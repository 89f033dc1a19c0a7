/* SPDX-License-Identifier: MIT */
/*
 * ktest: setbit's test API, shared by the kernel and the host.
 *
 * A case is a function registered where it is written (the build compiles
 * this example into ktest-host, with <bitmap/bitmap.h>, and runs it):
 *
 *	KTEST(bitmap, find_first_set)
 *	{
 *		uint64_t map[2] = { 0 };
 *		bm_set(map, 70);
 *		EXPECT_EQ(t, bm_find_first(map, 128), 70);
 *	}
 *
 * Cases with the same suite name form one suite; suites run in name order
 * (or shuffled by a seed, see <kernel/ktest_order.h>), cases in the order
 * they appear in the source file. One core (kernel/ktest/core.c, see
 * <kernel/ktest_core.h>) selects, orders and reports them as KTAP version 1
 * for two backends:
 *	kernel	kernel/ktest/ktest.c		over COM1, after boot (ktest=run)
 *	host	tests/host/ktest_host.c	on stdout, under ASan/UBSan
 *
 * This header's functions are implemented by the core, except ktest_abort,
 * which each backend implements (kernel/ktest/ktest.c, tests/host/ktest_host.c).
 *
 * EXPECT_* records a failure and goes on; ASSERT_* records it and ends the
 * case (through ktest_abort(), which never returns). Each failure prints
 * "# file:line: expected X, got Y" as a KTAP diagnostic.
 *
 * KTEST_FAULT(suite, name, vector, addr) declares a kernel-only case whose
 * body must raise exception `vector` (and, for #PF, fault on `addr`); it
 * passes only if exactly that happens. Any exception a case did not declare
 * fails it, and the run goes on with the next case.
 *
 * KTEST_SLOW(suite, name) declares a case that takes long under QEMU's TCG
 * (a stress, a big random run, a deliberate wait). A boot with ktest.quick=1
 * (make run's) reports it skipped, so the prompt comes in seconds; every
 * other run, make test's included, runs it like any case.
 *
 * This header uses only <stdint.h>, <stddef.h> and <stdbool.h> so portable
 * suites compile unchanged in both places.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ktest;

typedef void (*ktest_fn)(struct ktest *t);

/* No exception expected: the default for KTEST(). */
#define KTEST_NO_FAULT		(-1)
/* For KTEST_FAULT with #PF: do not check CR2. */
#define KTEST_ANY_ADDR		(~(uint64_t)0)
/* For #PF cases: CR2 is named at run time, by ktest_expect_fault_at() before the fault. */
#define KTEST_RUNTIME_ADDR	(~(uint64_t)0 - 1)

/* #PF error code bits (Intel SDM vol. 3, 4.7) that KTEST_PAGE_FAULT checks. */
#define KTEST_PF_PRESENT	0x01	/* a protection violation, not a missing page */
#define KTEST_PF_WRITE		0x02	/* the access was a write */
#define KTEST_PF_USER		0x04	/* the access was made at CPL 3 */
#define KTEST_PF_FETCH		0x10	/* an instruction fetch */
#define KTEST_PF_CHECKED	(KTEST_PF_PRESENT | KTEST_PF_WRITE | KTEST_PF_USER | KTEST_PF_FETCH)

struct ktest_case {
	const char *suite;
	const char *name;
	const char *file;
	int line;
	ktest_fn fn;
	int fault_vector;	/* KTEST_NO_FAULT, or the vector the body must raise */
	uint64_t fault_addr;	/* #PF only: expected CR2, or KTEST_ANY_ADDR */
	bool slow;		/* KTEST_SLOW: skipped by ktest.quick=1 */
	uint32_t fault_error;	/* #PF only: the error code's bits under fault_error_mask */
	uint32_t fault_error_mask;	/* 0: the error code is not checked */
};

/* State of the running case; the core and the backends own the fields. */
struct ktest {
	const struct ktest_case *tc;
	int failures;		/* EXPECT/ASSERT failures so far */
	bool skipped;
	const char *skip_reason;
	bool quiet;		/* print nothing (a case run inside another) */
	void *priv;		/* backend data (the jump buffer for ktest_abort) */
	bool fault_addr_set;	/* ktest_expect_fault_at() named fault_addr */
	uint64_t fault_addr;
};

#define KTEST_SECTION "ktest_cases"

/* The longest "suite.case" name plus its NUL: filters match it whole. */
#define KTEST_NAME_MAX	128

#define KTEST__REGISTER(suite, name, vec, addr, is_slow, err, err_mask)	\
	_Static_assert(sizeof(#suite "." #name) <= KTEST_NAME_MAX,	\
		       "ktest: " #suite "." #name " is too long");	\
	static void ktest_##suite##__##name(struct ktest *t);		\
	static const struct ktest_case ktest_case_##suite##__##name	\
	__attribute__((used, section(KTEST_SECTION), aligned(8))) = {	\
		#suite, #name, __FILE__, __LINE__,			\
		ktest_##suite##__##name, (vec), (addr), (is_slow),	\
		(err), (err_mask)					\
	};								\
	static void ktest_##suite##__##name(				\
		struct ktest *t __attribute__((unused)))

#define KTEST(suite, name) \
	KTEST__REGISTER(suite, name, KTEST_NO_FAULT, 0, false, 0, 0)
#define KTEST_SLOW(suite, name) \
	KTEST__REGISTER(suite, name, KTEST_NO_FAULT, 0, true, 0, 0)
#define KTEST_FAULT(suite, name, vector, addr) \
	KTEST__REGISTER(suite, name, vector, addr, false, 0, 0)
/*
 * A kernel-only case whose body must raise #PF at addr (or at the address
 * it names with ktest_expect_fault_at when addr is KTEST_RUNTIME_ADDR) with
 * exactly the error bits `error` among KTEST_PF_CHECKED.
 */
#define KTEST_PAGE_FAULT(suite, name, addr, error) \
	KTEST__REGISTER(suite, name, 14, addr, false, error, KTEST_PF_CHECKED)

/* Services for cases (the core; ktest_abort, ktest_expect_fault_at: the backend). */
/* A KTEST_RUNTIME_ADDR case: the #PF it is about to raise must have CR2 == addr (kernel only). */
void ktest_expect_fault_at(struct ktest *t, uint64_t addr);
void ktest_fail_at(struct ktest *t, const char *file, int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* End the current case now (ASSERT_* failures, skips). Never returns. */
void ktest_abort(struct ktest *t) __attribute__((noreturn));
/* Mark the case skipped with a reason and end it. Never returns. */
void ktest_skip(struct ktest *t, const char *reason) __attribute__((noreturn));
/* Print a "# ..." diagnostic line, indented for the current suite. */
void ktest_diag(struct ktest *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Comparison macros. Operands are evaluated once and compared in their
 * common type (C's usual arithmetic conversions, as `a == b` would), so
 * EXPECT_EQ(t, size_t_result, 70) and EXPECT_EQ(t, int_result, -22) both
 * read naturally; mixing a negative signed value with an unsigned one
 * compares it converted to unsigned, as C does. Messages print both values
 * as 64-bit numbers in decimal and hex.
 */
#define KTEST__CMP(t, stop, a, op, b, astr, bstr) do {				\
	__typeof__(0 ? (a) : (b)) ktest_a_ = (a), ktest_b_ = (b);		\
	if (!(ktest_a_ op ktest_b_)) {						\
		ktest_fail_at((t), __FILE__, __LINE__,				\
			"expected %s %s %s: got %lld (0x%llx) vs %lld (0x%llx)",\
			astr, #op, bstr,					\
			(long long)ktest_a_, (unsigned long long)ktest_a_,	\
			(long long)ktest_b_, (unsigned long long)ktest_b_);	\
		if (stop)							\
			ktest_abort(t);						\
	}									\
} while (0)

/* EXPECT_EQ(t, got, want): "expected <want>, got <got>". */
#define KTEST__EQ(t, stop, got, want) do {					\
	__typeof__(0 ? (got) : (want)) ktest_g_ = (got), ktest_w_ = (want);	\
	if (!(ktest_g_ == ktest_w_)) {						\
		ktest_fail_at((t), __FILE__, __LINE__,				\
			"%s: expected %lld (0x%llx), got %lld (0x%llx)", #got,	\
			(long long)ktest_w_, (unsigned long long)ktest_w_,	\
			(long long)ktest_g_, (unsigned long long)ktest_g_);	\
		if (stop)							\
			ktest_abort(t);						\
	}									\
} while (0)

#define KTEST__BOOL(t, stop, cond, want) do {					\
	bool ktest_c_ = (cond);							\
	if (ktest_c_ != (want)) {						\
		ktest_fail_at((t), __FILE__, __LINE__,				\
			"expected %s to be %s, got %s", #cond,			\
			(want) ? "true" : "false", ktest_c_ ? "true" : "false");\
		if (stop)							\
			ktest_abort(t);						\
	}									\
} while (0)

#define KTEST__RANGE(t, stop, v, lo, hi) do {					\
	long long ktest_v_ = (long long)(v);					\
	long long ktest_lo_ = (long long)(lo), ktest_hi_ = (long long)(hi);	\
	if (ktest_v_ < ktest_lo_ || ktest_v_ > ktest_hi_) {			\
		ktest_fail_at((t), __FILE__, __LINE__,				\
			"%s: expected in [%lld, %lld], got %lld", #v,		\
			ktest_lo_, ktest_hi_, ktest_v_);			\
		if (stop)							\
			ktest_abort(t);						\
	}									\
} while (0)

#define KTEST__PTR(t, stop, got, want, op) do {					\
	const void *ktest_g_ = (const void *)(got);				\
	const void *ktest_w_ = (const void *)(want);				\
	if (!(ktest_g_ op ktest_w_)) {						\
		ktest_fail_at((t), __FILE__, __LINE__,				\
			"%s: expected %s%p, got %p", #got,			\
			#op[0] == '!' ? "not " : "", ktest_w_, ktest_g_);	\
		if (stop)							\
			ktest_abort(t);						\
	}									\
} while (0)

int ktest_strcmp(const char *a, const char *b);

#define KTEST__STR(t, stop, got, want, eq) do {					\
	const char *ktest_g_ = (got), *ktest_w_ = (want);			\
	if ((ktest_strcmp(ktest_g_, ktest_w_) == 0) != (eq)) {			\
		ktest_fail_at((t), __FILE__, __LINE__,				\
			"%s: expected %s\"%s\", got \"%s\"", #got,		\
			(eq) ? "" : "not ", ktest_w_ ? ktest_w_ : "(null)",	\
			ktest_g_ ? ktest_g_ : "(null)");			\
		if (stop)							\
			ktest_abort(t);						\
	}									\
} while (0)

#define EXPECT_EQ(t, got, want)		KTEST__EQ(t, 0, got, want)
#define EXPECT_NE(t, a, b)		KTEST__CMP(t, 0, a, !=, b, #a, #b)
#define EXPECT_LT(t, a, b)		KTEST__CMP(t, 0, a, <, b, #a, #b)
#define EXPECT_LE(t, a, b)		KTEST__CMP(t, 0, a, <=, b, #a, #b)
#define EXPECT_GT(t, a, b)		KTEST__CMP(t, 0, a, >, b, #a, #b)
#define EXPECT_GE(t, a, b)		KTEST__CMP(t, 0, a, >=, b, #a, #b)
#define EXPECT_IN_RANGE(t, v, lo, hi)	KTEST__RANGE(t, 0, v, lo, hi)
#define EXPECT_TRUE(t, c)		KTEST__BOOL(t, 0, c, true)
#define EXPECT_FALSE(t, c)		KTEST__BOOL(t, 0, c, false)
#define EXPECT_PTR_EQ(t, got, want)	KTEST__PTR(t, 0, got, want, ==)
#define EXPECT_PTR_NE(t, got, want)	KTEST__PTR(t, 0, got, want, !=)
#define EXPECT_NULL(t, p)		KTEST__PTR(t, 0, p, NULL, ==)
#define EXPECT_NOT_NULL(t, p)		KTEST__PTR(t, 0, p, NULL, !=)
#define EXPECT_STREQ(t, got, want)	KTEST__STR(t, 0, got, want, true)
#define EXPECT_STRNE(t, got, want)	KTEST__STR(t, 0, got, want, false)

#define ASSERT_EQ(t, got, want)		KTEST__EQ(t, 1, got, want)
#define ASSERT_NE(t, a, b)		KTEST__CMP(t, 1, a, !=, b, #a, #b)
#define ASSERT_LT(t, a, b)		KTEST__CMP(t, 1, a, <, b, #a, #b)
#define ASSERT_LE(t, a, b)		KTEST__CMP(t, 1, a, <=, b, #a, #b)
#define ASSERT_GT(t, a, b)		KTEST__CMP(t, 1, a, >, b, #a, #b)
#define ASSERT_GE(t, a, b)		KTEST__CMP(t, 1, a, >=, b, #a, #b)
#define ASSERT_IN_RANGE(t, v, lo, hi)	KTEST__RANGE(t, 1, v, lo, hi)
#define ASSERT_TRUE(t, c)		KTEST__BOOL(t, 1, c, true)
#define ASSERT_FALSE(t, c)		KTEST__BOOL(t, 1, c, false)
#define ASSERT_PTR_EQ(t, got, want)	KTEST__PTR(t, 1, got, want, ==)
#define ASSERT_PTR_NE(t, got, want)	KTEST__PTR(t, 1, got, want, !=)
#define ASSERT_NULL(t, p)		KTEST__PTR(t, 1, p, NULL, ==)
#define ASSERT_NOT_NULL(t, p)		KTEST__PTR(t, 1, p, NULL, !=)
#define ASSERT_STREQ(t, got, want)	KTEST__STR(t, 1, got, want, true)
#define ASSERT_STRNE(t, got, want)	KTEST__STR(t, 1, got, want, false)

#endif /* KERNEL_KTEST_H */
