// SPDX-License-Identifier: MIT
/*
 * smp: the CPUs QEMU was given are all up, each on its own TSS and IST
 * stacks; work dispatched through the idle mask runs exactly once; atomic
 * claims and the frame allocator hold up with every CPU hammering them.
 *
 * Command line: ktest.expect_cpus=N (the runner passes -smp's N),
 * ktest.smp_items=N (dispatch count, default SMP_ITEMS), ktest.late_ap=ID
 * (that AP answers after its deadline: it must be left out for good).
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/fault.h>
#include <arch/gdt.h>
#include <arch/gdtdesc.h>
#include <arch/ipi.h>
#include <arch/irq.h>
#include <arch/kstack.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <arch/trampoline.h>
#include <arch/tsc.h>
#include <bitmap/bitmap.h>
#include <kernel/cmdline.h>
#include <kernel/gdtslot.h>
#include <kernel/ksyms.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/string.h>

#define SMP_ITEMS		100000
#define LATENCY_SAMPLES		1000
#define CLAIM_BITS		8192
#define FRAMES_PER_CPU		64
#define WAIT_CYCLES		(2000ull * tsc_khz())	/* 2 s */

/* A decimal command-line value, or def when absent or malformed. */
static uint64_t cmdline_number(const char *key, uint64_t def)
{
	char buf[24];
	uint64_t v = 0;

	if (!cmdline_get(kernel_cmdline(), key, buf, sizeof(buf)) || !buf[0])
		return def;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9')
			return def;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v;
}

static unsigned int online(void)
{
	return smp_cpus_online();
}

/* ------------------------------------------------------------ bring-up */

KTEST(smp, cpus_online_as_given)
{
	uint64_t want = cmdline_number("ktest.expect_cpus", 0);

	for (unsigned int i = 1; i < online(); i++)
		ktest_diag(t, "CPU %u: APIC ID %u, TSS 0x%x, up %lu us after its SIPI", i,
			   cpus[i].apic_id, cpus[i].tss_sel, cpus[i].up_cycles * 1000 / tsc_khz());
	ktest_diag(t, "%u CPUs online; the APs took %lu us, the 10 ms INIT wait included",
		   online(), smp_bringup_us());
	if (!want)
		ktest_skip(t, "no ktest.expect_cpus= on the command line");
	EXPECT_EQ(t, online(), want);
	EXPECT_EQ(t, cpumask_weight(&cpu_online_mask, NR_CPUS), want);
}

/* Every AP that ever entered the kernel is online: none ran and was dropped, none twice. */
KTEST(smp, every_ap_that_ran_is_online)
{
	EXPECT_EQ(t, smp_ap_entries(), online() - 1);
	EXPECT_EQ(t, cpumask_weight(&cpu_online_mask, NR_CPUS), online());
}

/*
 * Every listed AP had a gate (<arch/trampoline.h>), in the list's order.
 * Each online AP claimed exactly its own (AP_IN) and took exactly one slot:
 * the slots taken are CPUs 1..online-1, each on the stack its slot named,
 * and the gate's SIPI time is the CPU's. A left-out AP's gate is closed
 * (AP_OUT) and no CPU has its APIC ID. Every AP came online after its SIPI
 * (the time is taken on the AP against the boot CPU's TSC).
 */
KTEST(smp, each_ap_claimed_its_own_gate_and_one_slot)
{
	unsigned int n, in = 0, out = 0;
	const struct ap_gate *g = smp_ap_gates(&n);

	EXPECT_EQ(t, n, online() - 1 + smp_cpus_left_out());
	EXPECT_EQ(t, smp_ap_slots_taken(), online() - 1);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int holders = 0, k = 0;

		for (unsigned int j = 1; j < online(); j++)
			if (cpus[j].apic_id == g[i].apic_id) {
				holders++;
				k = j;
			}
		if (g[i].state == AP_IN) {
			in++;
			EXPECT_EQ(t, holders, 1);
			EXPECT_EQ(t, cpus[k].sipi_tsc, g[i].sipi_tsc);
		} else {
			out++;
			EXPECT_EQ(t, g[i].state, AP_OUT);
			EXPECT_EQ(t, holders, 0);
		}
	}
	EXPECT_EQ(t, in, online() - 1);
	EXPECT_EQ(t, out, smp_cpus_left_out());
	for (unsigned int k = 1; k < online(); k++) {
		EXPECT_EQ(t, cpus[k].id, k);
		EXPECT_EQ(t, smp_ap_slot_stack(k - 1), cpus[k].stack_top);
		EXPECT_GT(t, cpus[k].up_cycles, 0);
	}
}

/*
 * ktest.late_ap=ID: that AP tries to claim its gate only after the boot CPU
 * gave up on it (and it did try: arch lets it, before its parking INIT).
 * It must be logged, never run kernel code, never take a slot, never be
 * online, and the next AP must get the slot as if it were new.
 */
KTEST(smp, late_ap_is_left_out_for_good)
{
	uint64_t late = cmdline_number("ktest.late_ap", UINT64_MAX);

	if (late == UINT64_MAX)
		ktest_skip(t, "no ktest.late_ap= on the command line");
	ktest_diag(t, "APIC ID %lu answered late; %u CPUs online, %u AP entries, %u left out",
		   late, online(), smp_ap_entries(), smp_cpus_left_out());
	EXPECT_EQ(t, smp_cpus_left_out(), 1);
	EXPECT_EQ(t, smp_ap_entries(), online() - 1);
	EXPECT_EQ(t, smp_ap_slots_taken(), online() - 1);
	EXPECT_TRUE(t, smp_late_ap_tried());
	for (unsigned int i = 0; i < online(); i++) {
		EXPECT_NE(t, cpus[i].apic_id, late);
		EXPECT_TRUE(t, cpus[i].online);
	}
}

static uint32_t seen_apic[SMP_MAX_CPUS];
static uint16_t seen_tr[SMP_MAX_CPUS];
static uint64_t seen_gs[SMP_MAX_CPUS];
static uint64_t seen_gs_msr[SMP_MAX_CPUS];
static uint64_t seen_sp[SMP_MAX_CPUS];

static void record_self(void *arg)
{
	unsigned int id = smp_cpu_id();

	(void)arg;
	seen_apic[id] = apic_id();
	seen_tr[id] = cpu_str();
	seen_gs[id] = (uint64_t)this_cpu();
	seen_gs_msr[id] = rdmsr(MSR_GS_BASE);
	seen_sp[id] = (uint64_t)__builtin_frame_address(0);
}

/* Each AP runs posted work on its own kernel stack: pages 1-4 of its window (arch/smp.h). */
KTEST(smp, each_ap_runs_on_its_own_stack)
{
	for (unsigned int i = 1; i < online(); i++)
		seen_sp[i] = 0;
	smp_call_all(record_self, NULL);
	for (unsigned int i = 1; i < online(); i++) {
		uint64_t w = SMP_STACK_AREA + i * (uint64_t)SMP_STACK_WINDOW;

		EXPECT_GE(t, seen_sp[i], w + 4096);
		EXPECT_LT(t, seen_sp[i], w + 4096 + KERNEL_STACK_SIZE);
		EXPECT_EQ(t, seen_gs_msr[i], (uint64_t)&cpus[i]);
	}
}

KTEST(smp, apic_ids_unique_and_self_reported)
{
	smp_call_all(record_self, NULL);
	for (unsigned int i = 0; i < online(); i++) {
		EXPECT_EQ(t, seen_apic[i], cpus[i].apic_id);
		EXPECT_EQ(t, seen_gs[i], (uint64_t)&cpus[i]);
		for (unsigned int j = 0; j < i; j++)
			EXPECT_NE(t, cpus[i].apic_id, cpus[j].apic_id);
	}
}

KTEST(smp, each_cpu_runs_on_its_own_tss)
{
	const struct gdt_slots *g = gdt_slots();

	smp_call_all(record_self, NULL);
	for (unsigned int i = 0; i < online(); i++) {
		struct gdt_tss_desc d;

		ASSERT_EQ(t, seen_tr[i], cpus[i].tss_sel);
		ASSERT_LT(t, (size_t)seen_tr[i] / 8 + 1, g->nslots);
		d = gdt_decode_tss(&g->table[seen_tr[i] / 8]);
		EXPECT_EQ(t, d.base, (uint64_t)&cpus[i].tss);
		EXPECT_EQ(t, d.limit, sizeof(struct tss) - 1);
		EXPECT_EQ(t, d.type, GDT_TYPE_TSS_BUSY);	/* ltr marked it */
		EXPECT_TRUE(t, d.present);
		EXPECT_TRUE(t, bm_test(g->used, seen_tr[i] / 8));
		EXPECT_TRUE(t, bm_test(g->used, seen_tr[i] / 8 + 1));
		for (unsigned int j = 0; j < i; j++)
			EXPECT_NE(t, seen_tr[i], seen_tr[j]);
	}
	/* The GDT is sized for these CPUs, well inside the 8192-descriptor limit. */
	EXPECT_GE(t, g->nslots, 6 + 2 * (size_t)online());
	EXPECT_LE(t, g->nslots, GDT_MAX_SLOTS);
}

/* An NMI to each CPU lands on that CPU's IST2 stack: pages 9-10 of its window (see arch/smp.h). */
KTEST(smp, nmi_runs_on_the_ist_stack)
{
	for (unsigned int i = 0; i < online(); i++) {
		struct cpu *c = &cpus[i];
		uint64_t before = __atomic_load_n(&c->nmi_count, __ATOMIC_ACQUIRE);
		uint64_t start = rdtsc(), frame;
		uint64_t ist2 = SMP_STACK_AREA + i * (uint64_t)SMP_STACK_WINDOW + 9 * 4096;

		apic_send_nmi(c->apic_id);
		while (__atomic_load_n(&c->nmi_count, __ATOMIC_ACQUIRE) == before &&
		       rdtsc() - start < WAIT_CYCLES)
			cpu_relax();
		ASSERT_EQ(t, __atomic_load_n(&c->nmi_count, __ATOMIC_ACQUIRE), before + 1);
		frame = c->nmi_frame;
		EXPECT_GE(t, frame, ist2);
		EXPECT_LT(t, frame, ist2 + IST_STACK_SIZE);
	}
}

/* The page below CPU 0's kernel stack is a guard: touching it faults. */
KTEST_FAULT(smp, guard_page_below_the_stack, VEC_PF, SMP_STACK_AREA)
{
	EXPECT_TRUE(t, kstack_mapped(cpus[0].stack_top - 8));	/* CPU 0 runs on it */
	EXPECT_FALSE(t, kstack_mapped(SMP_STACK_AREA));
	fault_read(SMP_STACK_AREA);
}

/* ------------------------------------------------------------ fences */

/*
 * Does function fn's machine code hold the bytes seq? (How many times, in
 * *count.) A fence cannot be seen to matter under TCG, so the tests below
 * look for it where it must be.
 */
static bool code_has(struct ktest *t, const char *fn, const uint8_t *seq, size_t n,
		     unsigned int *count)
{
	uint64_t off, addr = ksym_address(fn);
	const struct ksym *k = addr ? ksym_lookup(addr, &off) : NULL;
	const uint8_t *code = (const uint8_t *)addr;

	*count = 0;
	if (!k || !k->size) {
		ktest_diag(t, "no symbol (or no size) for %s", fn);
		return false;
	}
	for (uint64_t i = 0; i + n <= k->size; i++)
		*count += memcmp(code + i, seq, n) == 0;
	ktest_diag(t, "%s: %lu bytes, the sequence %u times", fn, k->size, *count);
	return *count > 0;
}

/* Defect: an x2APIC IPI could overtake the store it announces. MFENCE; LFENCE; WRMSR. */
KTEST(smp, x2apic_icr_write_fences_first)
{
	static const uint8_t fenced[] = { 0x0F, 0xAE, 0xF0, 0x0F, 0xAE, 0xE8, 0x0F, 0x30 };
	static const uint8_t wrmsr_op[] = { 0x0F, 0x30 };
	unsigned int fences, wrmsrs;

	EXPECT_TRUE(t, code_has(t, "apic_x2apic_write_icr", fenced, sizeof(fenced), &fences));
	code_has(t, "apic_x2apic_write_icr", wrmsr_op, sizeof(wrmsr_op), &wrmsrs);
	EXPECT_EQ(t, fences, wrmsrs);	/* no WRMSR without its fences */
}

/* A full fence as the compiler emits __atomic_thread_fence(SEQ_CST): MFENCE, or lock or $0,(%rsp). */
static bool has_full_fence(struct ktest *t, const char *fn)
{
	static const uint8_t mfence[] = { 0x0F, 0xAE, 0xF0 };
	static const uint8_t lock_or[] = { 0xF0, 0x48, 0x83, 0x0C, 0x24, 0x00 };
	unsigned int n;

	return code_has(t, fn, mfence, sizeof(mfence), &n) ||
	       code_has(t, fn, lock_or, sizeof(lock_or), &n);
}

/*
 * Defect: the task queuer's store->load handshake with the idle loop had
 * no fence of its own (a lock xadd for the rotor stood in by accident).
 * Both sides of the handshake must hold one: task.c's dispatch() and the
 * idle loop (idle_work, inlined there).
 */
KTEST(smp, task_queuer_fences_before_reading_the_idle_mask)
{
	EXPECT_TRUE(t, has_full_fence(t, "dispatch"));
	EXPECT_TRUE(t, has_full_fence(t, "smp_idle_loop"));
}

/*
 * The same store->load handshakes for a waiter going to sleep in
 * task_wait: it sets its sleepers bit and loads the task's state and the
 * queues (sleep_on); the exit stores DEAD and tests the bit
 * (wake_exit_waiter); the queuer is dispatch() above.
 */
KTEST(smp, sleeping_waiter_and_its_wakers_fence)
{
	EXPECT_TRUE(t, has_full_fence(t, "sleep_on"));
	EXPECT_TRUE(t, has_full_fence(t, "wake_exit_waiter"));
}

/* ------------------------------------------------------------ TLB shootdown */

/*
 * A CPU slow to flush, for one and a half times the warning time
 * (smp.tlb_warn_ms=, 1 s by default: 1.5 s, longer than the shootdown
 * used to wait before it panicked), is named in a warning and waited for;
 * the flush still completes. make test gives most boots a warning time of
 * 100 ms, and the 16-CPU boots the default.
 */
KTEST_SLOW(smp, tlb_shootdown_waits_for_a_slow_cpu)
{
	unsigned int slow = online() - 1;
	uint64_t warned = smp_tlb_warnings(), stall = smp_tlb_warn_ms() * 3 / 2, start, ms;

	if (online() < 2)
		ktest_skip(t, "one CPU: no one to shoot down");
	cpus[slow].tlb_stall_ms = (uint32_t)stall;
	start = rdtsc();
	smp_flush_tlb_others();
	ms = (rdtsc() - start) / tsc_khz();
	ktest_diag(t, "CPU %u flushed after %lu ms (stalled %lu ms, warning at %lu ms); %lu warnings",
		   slow, ms, stall, smp_tlb_warn_ms(), smp_tlb_warnings() - warned);
	EXPECT_GE(t, ms, stall);
	EXPECT_EQ(t, __atomic_load_n(&cpus[slow].tlb_flush, __ATOMIC_ACQUIRE), 0);
	EXPECT_EQ(t, cpus[slow].tlb_stall_ms, 0);
	EXPECT_GE(t, smp_tlb_warnings() - warned, 1);
}

/* ------------------------------------------------------------ dispatch */

static uint8_t item_runs[SMP_ITEMS];
static uint64_t per_cpu_items[SMP_MAX_CPUS];

static void run_item(void *arg)
{
	__atomic_fetch_add(&item_runs[(uintptr_t)arg], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&per_cpu_items[smp_cpu_id()], 1, __ATOMIC_RELAXED);
}

static void expect_all_idle(struct ktest *t)
{
	char got[64], want[64];
	struct cpumask aps = cpu_online_mask;

	bm_clear(aps.bits, 0);
	cpumask_print(got, sizeof(got), &cpu_idle_mask, online());
	cpumask_print(want, sizeof(want), &aps, online());
	EXPECT_STREQ(t, got, want);
	ktest_diag(t, "idle: %s", got);
}

KTEST_SLOW(smp, dispatch_runs_each_item_exactly_once)
{
	uint64_t n = cmdline_number("ktest.smp_items", SMP_ITEMS), start, bad = 0, sum = 0;
	struct smp_dispatch_stats before, after;

	if (n > SMP_ITEMS)
		n = SMP_ITEMS;
	for (uint64_t i = 0; i < n; i++)
		item_runs[i] = 0;
	for (unsigned int c = 0; c < online(); c++)
		per_cpu_items[c] = 0;
	smp_dispatch_stats(&before);
	start = rdtsc();
	for (uint64_t i = 0; i < n; i++)
		smp_dispatch(NULL, run_item, (void *)(uintptr_t)i);
	smp_wait_idle();
	smp_dispatch_stats(&after);
	for (uint64_t i = 0; i < n; i++)
		bad += item_runs[i] != 1;
	EXPECT_EQ(t, bad, 0);
	for (unsigned int c = 0; c < online(); c++)
		sum += per_cpu_items[c];
	EXPECT_EQ(t, sum, n);
	EXPECT_EQ(t, (after.posted - before.posted) + (after.local - before.local), n);
	expect_all_idle(t);
	ktest_diag(t, "%lu items on %u CPUs in %lu ms: %lu posted, %lu run locally, "
		   "%lu lost races", n, online(), (rdtsc() - start) / tsc_khz(),
		   after.posted - before.posted, after.local - before.local,
		   after.lost_races - before.lost_races);
	for (unsigned int c = 0; c < online() && c < 16; c++)
		ktest_diag(t, "CPU %u ran %lu", c, per_cpu_items[c]);
}

static int done_flag;

static void set_done(void *arg)
{
	(void)arg;
	__atomic_store_n(&done_flag, 1, __ATOMIC_RELEASE);
}

static uint64_t lat[LATENCY_SAMPLES];

/* Round trip: claim, post, IPI, the CPU wakes and runs it, we see the result. */
KTEST_SLOW(smp, dispatch_round_trip_latency)
{
	struct cpumask one = { { 0 } };
	unsigned int target = online() - 1;

	if (online() < 2)
		ktest_skip(t, "one CPU: nothing to dispatch to");
	bm_set(one.bits, target);
	for (int i = 0; i < LATENCY_SAMPLES; i++) {
		uint64_t start;

		smp_wait_idle();
		__atomic_store_n(&done_flag, 0, __ATOMIC_RELAXED);
		start = rdtsc();
		ASSERT_EQ(t, smp_dispatch(&one, set_done, NULL), target);
		while (!__atomic_load_n(&done_flag, __ATOMIC_ACQUIRE))
			cpu_relax();
		lat[i] = rdtsc() - start;
	}
	/* Insertion sort: 1000 samples, once. */
	for (int i = 1; i < LATENCY_SAMPLES; i++)
		for (int j = i; j > 0 && lat[j - 1] > lat[j]; j--) {
			uint64_t x = lat[j];

			lat[j] = lat[j - 1];
			lat[j - 1] = x;
		}
	EXPECT_GT(t, lat[0], 0);
	ktest_diag(t, "dispatch round trip to CPU %u: median %lu, p99 %lu, min %lu TSC cycles",
		   target, lat[LATENCY_SAMPLES / 2], lat[LATENCY_SAMPLES * 99 / 100], lat[0]);
	smp_wait_idle();
	expect_all_idle(t);
}

/* ------------------------------------------------------------ concurrency */

static BM_DECLARE(claim_map, CLAIM_BITS);
static uint8_t claim_owner_count[CLAIM_BITS];
static uint64_t claims_by_cpu[SMP_MAX_CPUS];

static void hammer_claims(void *arg)
{
	uint64_t n = 0;
	size_t bit;

	(void)arg;
	while ((bit = bm_claim_atomic(claim_map, CLAIM_BITS)) < CLAIM_BITS) {
		__atomic_fetch_add(&claim_owner_count[bit], 1, __ATOMIC_RELAXED);
		n++;
	}
	claims_by_cpu[smp_cpu_id()] = n;
}

KTEST(smp, concurrent_claims_hand_out_each_bit_once)
{
	uint64_t start, cycles, total = 0, twice = 0;

	bm_zero(claim_map, CLAIM_BITS);
	for (int i = 0; i < CLAIM_BITS; i++)
		claim_owner_count[i] = 0;
	start = rdtsc();
	smp_call_all(hammer_claims, NULL);
	cycles = rdtsc() - start;
	for (int i = 0; i < CLAIM_BITS; i++)
		twice += claim_owner_count[i] != 1;
	for (unsigned int c = 0; c < online(); c++)
		total += claims_by_cpu[c];
	EXPECT_EQ(t, twice, 0);
	EXPECT_EQ(t, total, CLAIM_BITS);
	EXPECT_TRUE(t, bm_full(claim_map, CLAIM_BITS));
	for (int i = 0; i < CLAIM_BITS; i++)
		bm_release_atomic(claim_map, (size_t)i);
	EXPECT_TRUE(t, bm_empty(claim_map, CLAIM_BITS));
	ktest_diag(t, "%d claims by %u CPUs: %lu cycles each, %lu claims/ms", CLAIM_BITS,
		   online(), cycles / CLAIM_BITS, CLAIM_BITS * tsc_khz() / (cycles ? cycles : 1));
}

static uint64_t frames[SMP_MAX_CPUS][FRAMES_PER_CPU];

static void hammer_frames(void *arg)
{
	uint64_t *mine = frames[smp_cpu_id()];

	(void)arg;
	for (int i = 0; i < FRAMES_PER_CPU; i++)
		mine[i] = page_alloc();
}

static void free_frames(void *arg)
{
	uint64_t *mine = frames[smp_cpu_id()];

	(void)arg;
	for (int i = 0; i < FRAMES_PER_CPU; i++)
		if (mine[i])
			page_free(mine[i]);
}

/* Every CPU takes frames at once: no frame twice, and the count returns to its baseline. */
KTEST(smp, concurrent_frame_allocation)
{
	struct pfa_stats s0, s1;
	uint64_t dup = 0, none = 0, n = (uint64_t)online() * FRAMES_PER_CPU;

	page_stats(&s0);
	smp_call_all(hammer_frames, NULL);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t f = frames[i / FRAMES_PER_CPU][i % FRAMES_PER_CPU];

		none += !f;
		/* n is at most 16K: a quadratic check is quick enough and needs no memory. */
		for (uint64_t j = i + 1; j < n && f; j++)
			dup += frames[j / FRAMES_PER_CPU][j % FRAMES_PER_CPU] == f;
	}
	EXPECT_EQ(t, none, 0);
	EXPECT_EQ(t, dup, 0);
	smp_call_all(free_frames, NULL);
	page_stats(&s1);
	EXPECT_EQ(t, s1.free, s0.free);
	EXPECT_EQ(t, s1.used, s0.used);
}

/* ------------------------------------------------------------ the timer */

#define TIMER_TICKS	10

static uint64_t ticks, ticks_after_stop, timer_us;

static void count_tick(void)
{
	__atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
}

/* On the AP: a 1 kHz timer until TIMER_TICKS ticks (or 2 s), then stop it and watch for strays. */
static void run_timer(void *arg)
{
	uint8_t vec = (uint8_t)(uintptr_t)arg;
	uint64_t start = rdtsc(), stopped;

	apic_timer_periodic(vec, 1000);
	while (__atomic_load_n(&ticks, __ATOMIC_RELAXED) < TIMER_TICKS &&
	       rdtsc() - start < WAIT_CYCLES)
		cpu_relax();
	apic_timer_periodic(vec, 0);
	timer_us = (rdtsc() - start) * 1000 / tsc_khz();
	stopped = __atomic_load_n(&ticks, __ATOMIC_RELAXED);
	udelay(5000);
	ticks_after_stop = __atomic_load_n(&ticks, __ATOMIC_RELAXED) - stopped;
}

/*
 * A 1 kHz LAPIC timer on an AP with interrupts on: it keeps ticking (a
 * one-shot would stop at 1), not faster than asked (TCG delivers ticks
 * late and in bursts, never early in total), and not once it is stopped.
 */
KTEST(smp, lapic_timer_ticks_on_an_ap)
{
	struct cpumask one = { { 0 } };
	int vec;

	if (online() < 2)
		ktest_skip(t, "one CPU: the boot CPU runs the tests with interrupts off");
	vec = irqvec_alloc(&kernel_vectors, IRQVEC_HIGH);
	ASSERT_GE(t, vec, 32);
	irq_register((uint8_t)vec, count_tick);
	ticks = 0;
	bm_set(one.bits, 1);
	smp_wait_idle();
	ASSERT_EQ(t, smp_dispatch(&one, run_timer, (void *)(uintptr_t)vec), 1);
	smp_wait_idle();
	irq_register((uint8_t)vec, NULL);
	EXPECT_EQ(t, irqvec_free(&kernel_vectors, (unsigned int)vec), 0);
	ktest_diag(t, "%lu ticks in %lu us at 1 kHz on vector 0x%x (timer: %u ticks/ms)",
		   ticks, timer_us, vec, apic_timer_khz());
	EXPECT_GE(t, ticks, TIMER_TICKS);
	EXPECT_LE(t, ticks, timer_us / 1000 + 2);
	EXPECT_EQ(t, ticks_after_stop, 0);
}

/* ------------------------------------------------------------ panic */

static void panic_here(void *arg)
{
	(void)arg;
	panic("smp selftest: deliberate panic on CPU %u", smp_cpu_id());
}

/* ktest.selftest=smp_panic: an AP panics; the report must name it, the others stop. */
KTEST(selftest, smp_panic)
{
	struct cpumask one = { { 0 } };

	if (online() < 2)
		panic("smp selftest: needs two CPUs");
	bm_set(one.bits, 1);
	smp_dispatch(&one, panic_here, NULL);
	for (;;)
		cpu_relax();	/* the panicking CPU stops us with an NMI */
}
