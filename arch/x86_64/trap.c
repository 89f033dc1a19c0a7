// SPDX-License-Identifier: MIT
/* Exception dispatch: offer it to the registered fault hook, or dump the CPU state and panic. */
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/irq.h>
#include <arch/pic.h>
#include <arch/trap.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

static const char *const exception_names[NR_EXCEPTIONS] = {
	"#DE divide error",		"#DB debug",
	"NMI",				"#BP breakpoint",
	"#OF overflow",			"#BR bound range exceeded",
	"#UD invalid opcode",		"#NM device not available",
	"#DF double fault",		"coprocessor segment overrun",
	"#TS invalid TSS",		"#NP segment not present",
	"#SS stack-segment fault",	"#GP general protection",
	"#PF page fault",		"reserved (15)",
	"#MF x87 floating-point",	"#AC alignment check",
	"#MC machine check",		"#XM SIMD floating-point",
	"#VE virtualization",		"#CP control protection",
	"reserved (22)",		"reserved (23)",
	"reserved (24)",		"reserved (25)",
	"reserved (26)",		"reserved (27)",
	"#HV hypervisor injection",	"#VC VMM communication",
	"#SX security",			"reserved (31)",
};

static void (*fault_hook)(const struct trap_fault *fault);

void trap_set_fault_hook(void (*hook)(const struct trap_fault *fault))
{
	__atomic_store_n(&fault_hook, hook, __ATOMIC_RELEASE);
}

const char *trap_name(unsigned int vector)
{
	if (vector < NR_EXCEPTIONS)
		return exception_names[vector];
	return "interrupt";
}

/* #PF error code bits: what the access was and why it failed. */
static void pf_explain(uint64_t error)
{
	printk_raw("  #PF: %s %s in %s mode%s%s\n",
		   error & 1 ? "protection violation on" : "not-present page on",
		   error & 16 ? "instruction fetch" : error & 2 ? "write" : "read",
		   error & 4 ? "user" : "kernel",
		   error & 8 ? ", reserved bit set" : "",
		   error & 32 ? ", protection key" : "");
}

static void trap_dump(const struct trap_frame *f, uint64_t cr2)
{
	printk_raw("  vector %lu (%s), error code 0x%lx\n", f->vector,
		   trap_name(f->vector), f->error);
	if (f->vector == VEC_PF)
		pf_explain(f->error);
	printk_raw("  RIP %04lx:%016lx  RFLAGS %016lx\n", f->cs, f->rip, f->rflags);
	printk_raw("  RSP %04lx:%016lx  CR2 %016lx  CR3 %016lx\n", f->ss, f->rsp,
		   cr2, read_cr3());
	printk_raw("  RAX %016lx  RBX %016lx  RCX %016lx\n", f->rax, f->rbx, f->rcx);
	printk_raw("  RDX %016lx  RSI %016lx  RDI %016lx\n", f->rdx, f->rsi, f->rdi);
	printk_raw("  RBP %016lx  R8  %016lx  R9  %016lx\n", f->rbp, f->r8, f->r9);
	printk_raw("  R10 %016lx  R11 %016lx  R12 %016lx\n", f->r10, f->r11, f->r12);
	printk_raw("  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r13, f->r14, f->r15);
}

/* The hook may end here (a test case that faulted); if it returns, we panic. */
static void offer_fault(const struct trap_frame *f, uint64_t cr2)
{
	void (*hook)(const struct trap_fault *) = __atomic_load_n(&fault_hook, __ATOMIC_ACQUIRE);
	struct trap_fault fault = {
		.vector = f->vector,
		.error = f->error,
		.addr = cr2,
		.ip = f->rip,
		.handler_sp = (uint64_t)f,
	};

	if (hook)
		hook(&fault);
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector >= NR_EXCEPTIONS) {
		if (!irq_dispatch(f->vector) && !pic_irq_dispatch(f->vector))
			pic_spurious(f->vector);
		return;
	}
	/*
	 * NMIs run on their own IST stack, and a second NMI on it would
	 * overwrite the first's frame. That cannot happen: the CPU holds off
	 * further NMIs until the next IRET, and nothing executes one while an
	 * NMI is handled. The work below only reads and writes static and
	 * per-CPU data and reloads CR3, which do not fault; an exception that
	 * did (or a #MC, on its own IST stack) would end in panic, which never
	 * returns. A CPU inside panic() ignores the NMI and finishes its report
	 * or its one line; stopped CPUs halt here with NMIs still held off.
	 */
	if (f->vector == VEC_NMI && (panic_nmi() || smp_nmi(f)))
		return;

	uint64_t cr2 = f->vector == VEC_PF ? read_cr2() : 0;

	offer_fault(f, cr2);
	panic_begin("unhandled %s at rip 0x%lx", trap_name(f->vector), f->rip);
	trap_dump(f, cr2);
	backtrace_print(f->rip, f->rbp);
	panic_end();
}
