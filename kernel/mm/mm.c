// SPDX-License-Identifier: MIT
/*
 * Memory bring-up (kernel only): the firmware's memory map and what the
 * boot already uses (kmain's struct boot_memory), the kernel's frame
 * allocator and heap, and their physical-address API.
 */

#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/smp.h>
#include <bitmap/compat/nanos.h>
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/heap.h>
#include <kernel/kmalloc.h>
#include <kernel/memmap.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "mm_internal.h"

#define LOW_MEMORY	MIB
/* Early storage is reached through the kernel image's mapping, which covers 2 GiB. */
#define EARLY_LIMIT	GIB

struct memmap kernel_memmap;
struct pfa kernel_pfa;
struct heap kernel_heap;

static void log_printk(const char *fmt, va_list ap)
{
	char line[256];

	vsnprintf(line, sizeof(line), fmt, ap);
	pr_info("%s\n", line);
}

/* Each CPU its own frame cache (0 before SMP is up); a cache has a lock, so sharing one is safe too. */
static unsigned int cache_cpu(void)
{
	return smp_cpu_id();
}

/* The memory map, else basic meminfo, else nothing. */
static void read_memory_map(struct memmap *m, const struct boot_memory *mem)
{
	memmap_init(m, cpu_phys_bits());
	if (mem->has_map)
		memmap_parse(m, mem->map, mem->count, mem->stride);
	else if (mem->has_meminfo)
		memmap_parse_meminfo(m, mem->lower_kib, mem->upper_kib);
	else
		memmap_parse_none(m);
}

/* The region bootinfo.c put in in_use under this name ("framebuffer", "multiboot2 info"), or an empty range. */
static struct mm_range in_use(const struct boot_memory *mem, const char *name)
{
	for (size_t i = 0; i < mem->nin_use; i++)
		if (strcmp(mem->in_use[i].name, name) == 0)
			return (struct mm_range){ mem->in_use[i].start, mem->in_use[i].end };
	return (struct mm_range){ 0, 0 };
}

/* The kernel image, the boot information, the framebuffer, the modules. */
static void reserve_boot_data(struct memmap *m, const struct boot_memory *mem)
{
	for (size_t i = 0; i < mem->nin_use; i++)
		memmap_reserve(m, mem->in_use[i].start, mem->in_use[i].end, mem->in_use[i].name);
}

/*
 * Everything below 1 MiB (BIOS data, EBDA, option ROMs) but one usable
 * page, kept for the AP trampoline: page_alloc_below(1 MiB, 1, 1) hands it out.
 */
static void reserve_low_memory(struct memmap *m)
{
	uint64_t page;

	for (page = FRAME_SIZE; page < LOW_MEMORY; page += FRAME_SIZE)
		if (memmap_is_usable(m, page, page + FRAME_SIZE))
			break;
	if (page == LOW_MEMORY) {
		mm_log("mm: no usable page below 1 MiB for the AP trampoline");
		memmap_reserve(m, 0, LOW_MEMORY, "low memory");
		return;
	}
	memmap_reserve(m, 0, page, "low memory");
	memmap_reserve(m, page + FRAME_SIZE, LOW_MEMORY, "low memory");
	mm_log("mm: page 0x%llx below 1 MiB kept for the AP trampoline",
	       (unsigned long long)page);
}

/* The frame bitmaps, carved from usable RAM, then every usable frame released into them. */
static void pfa_setup(struct memmap *m, struct mm_range *at_range)
{
	uint64_t nframes = memmap_top(m) >> FRAME_SHIFT;
	uint64_t bytes = pfa_storage_words(nframes) * sizeof(uint64_t);
	uint64_t at = memmap_carve(m, bytes, FRAME_SIZE, EARLY_LIMIT, "frame bitmap");
	size_t i;

	if (at == MEMMAP_NONE)
		panic("mm: no room for the frame bitmap (%llu KiB)", (unsigned long long)(bytes >> 10));
	*at_range = (struct mm_range){ at, at + bytes };
	pfa_init(&kernel_pfa, (uint64_t *)(KERNEL_VMA + at), nframes, LOW_MEMORY >> FRAME_SHIFT,
		 PFA_MAX_CPUS);
	for (i = 0; i < m->nusable; i++)
		pfa_add_frames(&kernel_pfa, m->usable[i].start >> FRAME_SHIFT,
			       (m->usable[i].end - m->usable[i].start) >> FRAME_SHIFT);
}

static void heap_setup(void)
{
	uint64_t words = heap_storage_words(kernel_pfa.nframes);
	uint64_t n = (words * sizeof(uint64_t) + FRAME_SIZE - 1) >> FRAME_SHIFT;
	uint64_t at = page_alloc_contig(n, 1);

	if (!at)
		panic("mm: no room for the heap's maps (%llu frames)", (unsigned long long)n);
	heap_init(&kernel_heap, &kernel_pfa, DIRECT_MAP_BASE, phys_to_virt(at));
	nanos_bitmap_set_builtin_heap(&kmalloc_bm_alloc);
}

static unsigned int debug_flags(void)
{
#ifdef PFA_DEBUG
	return PFA_POISON | PFA_CHECK_POISON;
#else
	return cmdline_flag(kernel_cmdline(), "pfa.debug") ? PFA_POISON | PFA_CHECK_POISON : 0;
#endif
}

void mm_init(const struct boot_memory *mem)
{
	struct memmap *m = &kernel_memmap;
	struct mm_range bitmap, fb = in_use(mem, "framebuffer"), info = in_use(mem, "multiboot2 info");

	mm_log_hook = log_printk;
	read_memory_map(m, mem);
	directmap_note_ram(m);
	reserve_boot_data(m, mem);
	reserve_low_memory(m);
	pfa_setup(m, &bitmap);
	memmap_print(m);
	kmap_init(directmap_init(), &bitmap, &fb, &info);
	pfa_set_mapping(&kernel_pfa, DIRECT_MAP_BASE, debug_flags());
	heap_setup();
	pfa_dump_frames(&kernel_pfa, 8);
}

static uint64_t frame_to_phys(uint64_t f)
{
	return f == PFA_NONE ? 0 : f << FRAME_SHIFT;
}

uint64_t page_alloc(void)
{
	return frame_to_phys(pfa_alloc_frame(&kernel_pfa, cache_cpu()));
}

uint64_t page_alloc_zeroed(void)
{
	uint64_t a = page_alloc();

	if (a)
		memset(phys_to_virt(a), 0, FRAME_SIZE);
	return a;
}

uint64_t page_alloc_contig(uint64_t n, uint64_t align_frames)
{
	return frame_to_phys(pfa_alloc_frames(&kernel_pfa, n, align_frames, PFA_NONE));
}

uint64_t page_alloc_below(uint64_t limit, uint64_t n, uint64_t align_frames)
{
	return frame_to_phys(pfa_alloc_frames(&kernel_pfa, n, align_frames, limit >> FRAME_SHIFT));
}

/* An unaligned address is a bad free like any other: logged and counted. */
static bool aligned_free(uint64_t addr, const void *caller)
{
	if (addr % FRAME_SIZE == 0)
		return true;
	mm_log("pfa: refused to free 0x%llx: not frame-aligned; caller %p",
	       (unsigned long long)addr, caller);
	__atomic_fetch_add(&kernel_pfa.bad_frees, 1, __ATOMIC_RELAXED);
	return false;
}

int page_free(uint64_t addr)
{
	const void *caller = __builtin_return_address(0);

	if (!aligned_free(addr, caller))
		return -1;
	return pfa_free_frame(&kernel_pfa, cache_cpu(), addr >> FRAME_SHIFT, caller);
}

int page_free_range(uint64_t addr, uint64_t n)
{
	const void *caller = __builtin_return_address(0);

	if (!aligned_free(addr, caller))
		return -1;
	return pfa_free_frames(&kernel_pfa, addr >> FRAME_SHIFT, n, caller);
}

void page_stats(struct pfa_stats *s)
{
	pfa_get_stats(&kernel_pfa, s);
}

void page_dump(void)
{
	pfa_dump_frames(&kernel_pfa, 32);
}

void *kmalloc(size_t size)
{
	return heap_alloc(&kernel_heap, size);
}

void *kzalloc(size_t size)
{
	return heap_zalloc(&kernel_heap, size);
}

void kfree(void *p)
{
	heap_free(&kernel_heap, p, __builtin_return_address(0));
}

static void *bm_kmalloc(void *ctx, size_t bytes)
{
	(void)ctx;
	return kmalloc(bytes);
}

static void bm_kfree(void *ctx, void *p, size_t bytes)
{
	(void)ctx;
	(void)bytes;
	heap_free(&kernel_heap, p, __builtin_return_address(0));
}

const struct bm_alloc kmalloc_bm_alloc = { bm_kmalloc, bm_kfree, NULL };
