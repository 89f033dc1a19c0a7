// SPDX-License-Identifier: MIT
/* The per-suite leak check of the kernel backend: frames and heap objects before and after. */
#include <kernel/heap.h>
#include <kernel/kmalloc.h>
#include <kernel/ktest_core.h>
#include <kernel/ktest_leak.h>
#include <kernel/page.h>
#include <kernel/smp.h>

void ktest_leak_mark(struct ktest_leak_mark *m)
{
	struct pfa_stats ps;
	struct heap_stats hs;

	smp_wait_idle();
	page_stats(&ps);
	heap_get_stats(&kernel_heap, &hs);
	m->used_frames = ps.used;
	m->heap_frames = hs.slabs * SLAB_FRAMES + hs.large_frames;
	m->heap_objects = hs.objects + hs.large;
}

/* now - before as a signed count: less in use now is no leak. */
static int64_t growth(uint64_t now, uint64_t before)
{
	return (int64_t)(now - before);
}

bool ktest_leak_check(const char *suite, const struct ktest_leak_mark *before)
{
	struct ktest_leak_mark now;
	int64_t frames, objects;

	ktest_leak_mark(&now);
	/* Frames the heap took for itself are not the suite's: they show as objects. */
	frames = growth(now.used_frames, before->used_frames) -
		 growth(now.heap_frames, before->heap_frames);
	objects = growth(now.heap_objects, before->heap_objects);
	if (frames <= 0 && objects <= 0)
		return true;
	frames = frames > 0 ? frames : 0;
	objects = objects > 0 ? objects : 0;
	ktest_suite_diag("leak: suite %s: %lld frame%s, %lld heap object%s", suite,
			 (long long)frames, frames == 1 ? "" : "s",
			 (long long)objects, objects == 1 ? "" : "s");
	return false;
}
