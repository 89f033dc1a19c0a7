// SPDX-License-Identifier: MIT
/* The physical memory map: parse the firmware's view, make it safe, take reservations out. */

#include <kernel/memmap.h>
#include <kernel/mm.h>

void (*mm_log_hook)(const char *fmt, va_list ap);

void mm_log(const char *fmt, ...)
{
	va_list ap;

	if (!mm_log_hook)
		return;
	va_start(ap, fmt);
	mm_log_hook(fmt, ap);
	va_end(ap);
}

/* x86-64 allows at most 52 physical address bits; fewer than 32 is no real CPU. */
#define PHYS_BITS_MIN	32
#define PHYS_BITS_MAX	52

static const char *type_name(uint32_t type)
{
	switch (type) {
	case MEMMAP_KERNEL:		return "kernel";
	case MEMMAP_AVAILABLE:	return "available";
	case MEMMAP_RESERVED:		return "reserved";
	case MEMMAP_ACPI_RECLAIM:	return "ACPI reclaimable";
	case MEMMAP_ACPI_NVS:		return "ACPI NVS";
	case MEMMAP_BAD:		return "bad RAM";
	default:			return "unknown type";
	}
}

void memmap_init(struct memmap *m, unsigned int phys_bits)
{
	m->nusable = 0;
	m->nregions = 0;
	m->fw_usable = 0;
	m->reserved = 0;
	m->anomalies = 0;
	m->dropped = 0;
	if (phys_bits < PHYS_BITS_MIN || phys_bits > PHYS_BITS_MAX) {
		mm_log("memmap: implausible physical address width %u bits, using %u",
		       phys_bits, PHYS_BITS_MAX);
		m->anomalies++;
		phys_bits = PHYS_BITS_MAX;
	}
	m->limit = (uint64_t)1 << phys_bits;
}

/* Open a gap at usable[i]: false (logged) if the table is full. */
static bool usable_open(struct memmap *m, size_t i)
{
	size_t k;

	if (m->nusable == MEMMAP_MAX) {
		m->dropped++;
		return false;
	}
	for (k = m->nusable; k > i; k--)
		m->usable[k] = m->usable[k - 1];
	m->nusable++;
	return true;
}

/* Remove usable[i, j). */
static void usable_close(struct memmap *m, size_t i, size_t j)
{
	size_t k;

	for (k = j; k < m->nusable; k++)
		m->usable[i + k - j] = m->usable[k];
	m->nusable -= j - i;
}

/* Add [start, end) to the usable set, merging with ranges it overlaps or touches. */
static void usable_add(struct memmap *m, uint64_t start, uint64_t end)
{
	size_t i = 0, j;

	while (i < m->nusable && m->usable[i].end < start)
		i++;
	for (j = i; j < m->nusable && m->usable[j].start <= end; j++) {
		if (m->usable[j].start < end && m->usable[j].end > start) {
			mm_log("memmap: usable [0x%llx, 0x%llx) overlaps usable [0x%llx, 0x%llx): merged",
			       (unsigned long long)start, (unsigned long long)end,
			       (unsigned long long)m->usable[j].start,
			       (unsigned long long)m->usable[j].end);
			m->anomalies++;
		}
		if (m->usable[j].start < start)
			start = m->usable[j].start;
		if (m->usable[j].end > end)
			end = m->usable[j].end;
	}
	if (i == j) {
		if (!usable_open(m, i)) {
			mm_log("memmap: too many ranges, [0x%llx, 0x%llx) dropped",
			       (unsigned long long)start, (unsigned long long)end);
			return;
		}
	} else {
		usable_close(m, i + 1, j);
	}
	m->usable[i].start = start;
	m->usable[i].end = end;
}

/*
 * Take [start, end) out of the usable set; returns the bytes removed. A
 * range split in two needs a free slot: without one the upper piece is
 * dropped, which loses RAM but never hands out a reserved byte.
 */
static uint64_t usable_remove(struct memmap *m, uint64_t start, uint64_t end)
{
	uint64_t removed = 0;
	size_t i = 0;

	while (i < m->nusable) {
		struct mm_range *r = &m->usable[i];
		uint64_t lo = r->start > start ? r->start : start;
		uint64_t hi = r->end < end ? r->end : end;

		if (lo >= hi) {
			i++;
			continue;
		}
		removed += hi - lo;
		if (r->start < lo && r->end > hi) {
			uint64_t top = r->end;

			r->end = lo;
			if (usable_open(m, i + 1)) {
				m->usable[i + 1].start = hi;
				m->usable[i + 1].end = top;
			} else {
				mm_log("memmap: too many ranges, [0x%llx, 0x%llx) dropped",
				       (unsigned long long)hi, (unsigned long long)top);
			}
			i += 2;
		} else if (r->start < lo) {
			r->end = lo;
			i++;
		} else if (r->end > hi) {
			r->start = hi;
			i++;
		} else {
			usable_close(m, i, i + 1);
		}
	}
	return removed;
}

/* Remember a reserved region for memmap_print (only printing suffers when full). */
static void region_add(struct memmap *m, uint64_t start, uint64_t end, uint64_t taken,
		       uint32_t type, const char *name)
{
	struct mm_region *r;

	if (m->nregions == MEMMAP_MAX_REGIONS) {
		m->dropped++;
		return;
	}
	r = &m->region[m->nregions++];
	r->start = start;
	r->end = end;
	r->taken = taken;
	r->type = type;
	r->name = name ? name : type_name(type);
}

/*
 * Cut an entry to something addressable: false if nothing of it is left.
 * Zero-length and wrapping entries are anomalies for every type; the
 * address-width cut only matters (and is only logged) for usable RAM.
 */
static bool entry_clip(struct memmap *m, uint64_t addr, uint64_t len, uint32_t type,
		       uint64_t *end)
{
	if (len == 0) {
		mm_log("memmap: zero-length entry at 0x%llx (type %u) ignored",
		       (unsigned long long)addr, type);
		m->anomalies++;
		return false;
	}
	*end = addr + len;
	if (*end < addr) {
		mm_log("memmap: entry at 0x%llx length 0x%llx wraps past 2^64: cut",
		       (unsigned long long)addr, (unsigned long long)len);
		m->anomalies++;
		*end = UINT64_MAX;
	}
	if (type != MEMMAP_AVAILABLE || *end <= m->limit)
		return true;
	mm_log("memmap: usable [0x%llx, 0x%llx) beyond the 0x%llx physical limit: %s",
	       (unsigned long long)addr, (unsigned long long)*end,
	       (unsigned long long)m->limit, addr >= m->limit ? "ignored" : "cut");
	m->anomalies++;
	*end = m->limit;
	return addr < m->limit;
}

static const struct memmap_entry *entry_at(const void *entries, size_t i, size_t stride)
{
	return (const struct memmap_entry *)((const uint8_t *)entries + i * stride);
}

/* Pass 1: every usable entry, merged; logs the order once. */
static void parse_usable(struct memmap *m, const void *entries, size_t n, size_t stride)
{
	bool unsorted = false;
	uint64_t end;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct memmap_entry *e = entry_at(entries, i, stride);

		if (i > 0 && e->addr < entry_at(entries, i - 1, stride)->addr)
			unsorted = true;
		if (e->type != MEMMAP_AVAILABLE)
			continue;
		if (entry_clip(m, e->addr, e->len, e->type, &end))
			usable_add(m, e->addr, end);
	}
	if (unsorted) {
		mm_log("memmap: entries are not sorted by address");
		m->anomalies++;
	}
}

/* Pass 2: every other type wins over usable RAM wherever they overlap. */
static void parse_reserved(struct memmap *m, const void *entries, size_t n, size_t stride)
{
	uint64_t end, taken;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct memmap_entry *e = entry_at(entries, i, stride);

		if (e->type == MEMMAP_AVAILABLE || !entry_clip(m, e->addr, e->len, e->type, &end))
			continue;
		taken = usable_remove(m, e->addr, end);
		if (taken) {
			mm_log("memmap: %s [0x%llx, 0x%llx) overlaps usable RAM: reserved",
			       type_name(e->type), (unsigned long long)e->addr,
			       (unsigned long long)end);
			m->anomalies++;
		}
		region_add(m, e->addr, end, 0, e->type, NULL);
	}
}

/* Drop the partial frames at the edges of every usable range. */
static void trim_to_frames(struct memmap *m)
{
	size_t i = 0;

	while (i < m->nusable) {
		struct mm_range *r = &m->usable[i];
		uint64_t start = mm_align_up(r->start, FRAME_SIZE);
		uint64_t end = mm_align_down(r->end, FRAME_SIZE);

		if (start != r->start || end != r->end) {
			mm_log("memmap: usable [0x%llx, 0x%llx) is not frame-aligned: %s",
			       (unsigned long long)r->start, (unsigned long long)r->end,
			       start < end ? "partial frames dropped" : "ignored");
			m->anomalies++;
		}
		if (start >= end) {
			usable_close(m, i, i + 1);
			continue;
		}
		r->start = start;
		r->end = end;
		i++;
	}
}

void memmap_parse(struct memmap *m, const void *entries, size_t n, size_t stride)
{
	if (n == 0)
		mm_log("memmap: the memory map is empty: no usable RAM");
	parse_usable(m, entries, n, stride);
	parse_reserved(m, entries, n, stride);
	trim_to_frames(m);
	m->fw_usable = memmap_usable_bytes(m);
}

void memmap_parse_meminfo(struct memmap *m, uint32_t lower_kib, uint32_t upper_kib)
{
	struct memmap_entry e[2] = {
		{ .addr = 0, .len = (uint64_t)lower_kib << 10, .type = MEMMAP_AVAILABLE },
		{ .addr = MIB, .len = (uint64_t)upper_kib << 10, .type = MEMMAP_AVAILABLE },
	};

	mm_log("memmap: no memory map, using basic meminfo: %u KiB low, %u KiB high",
	       lower_kib, upper_kib);
	m->anomalies++;
	/* lower memory stops below the EBDA/VGA hole; upper starts at 1 MiB. */
	if (e[0].len > 640 * 1024)
		e[0].len = 640 * 1024;
	memmap_parse(m, e, 2, sizeof(e[0]));
}

void memmap_parse_none(struct memmap *m)
{
	mm_log("memmap: no memory map and no meminfo: no usable RAM");
	m->anomalies++;
	memmap_parse(m, NULL, 0, sizeof(struct memmap_entry));
}

void memmap_reserve(struct memmap *m, uint64_t start, uint64_t end, const char *name)
{
	uint64_t taken;

	if (end > m->limit)
		end = m->limit;
	if (start >= end)
		return;
	start = mm_align_down(start, FRAME_SIZE);
	end = mm_align_up(end, FRAME_SIZE);
	taken = usable_remove(m, start, end);
	m->reserved += taken;
	region_add(m, start, end, taken, MEMMAP_KERNEL, name);
}

uint64_t memmap_carve(struct memmap *m, uint64_t size, uint64_t align, uint64_t limit,
		      const char *name)
{
	size_t i;

	if (size == 0 || align < FRAME_SIZE || (align & (align - 1)))
		return MEMMAP_NONE;
	size = mm_align_up(size, FRAME_SIZE);
	for (i = m->nusable; i-- > 0;) {
		const struct mm_range *r = &m->usable[i];
		uint64_t end = r->end < limit ? r->end : limit;
		uint64_t at;

		if (end < size || end - size < r->start)
			continue;
		at = mm_align_down(end - size, align);
		if (at >= r->start) {
			memmap_reserve(m, at, at + size, name);
			return at;
		}
	}
	mm_log("memmap: no room for %s (%llu KiB below 0x%llx)", name,
	       (unsigned long long)(size >> 10), (unsigned long long)limit);
	return MEMMAP_NONE;
}

uint64_t memmap_usable_bytes(const struct memmap *m)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < m->nusable; i++)
		sum += m->usable[i].end - m->usable[i].start;
	return sum;
}

uint64_t memmap_top(const struct memmap *m)
{
	return m->nusable ? m->usable[m->nusable - 1].end : 0;
}

bool memmap_is_usable(const struct memmap *m, uint64_t start, uint64_t end)
{
	size_t i;

	for (i = 0; i < m->nusable; i++)
		if (m->usable[i].start < end && m->usable[i].end > start)
			return true;
	return false;
}

/* "12345 KiB" below 10 MiB, else "123.4 MiB": readable at a glance. */
static void log_range(const char *what, uint64_t start, uint64_t end, const char *name)
{
	uint64_t kib = (end - start) >> 10;

	if (kib < 10 * 1024)
		mm_log("memmap:   %-8s [0x%012llx, 0x%012llx) %8llu KiB  %s", what,
		       (unsigned long long)start, (unsigned long long)end,
		       (unsigned long long)kib, name);
	else
		mm_log("memmap:   %-8s [0x%012llx, 0x%012llx) %6llu.%llu MiB  %s", what,
		       (unsigned long long)start, (unsigned long long)end,
		       (unsigned long long)(kib >> 10),
		       (unsigned long long)((kib & 1023) * 10 >> 10), name);
}

/* Insertion sort by start: a few dozen regions, printed once. */
static void regions_sort(struct memmap *m)
{
	size_t i, j;

	for (i = 1; i < m->nregions; i++) {
		struct mm_region r = m->region[i];

		for (j = i; j > 0 && m->region[j - 1].start > r.start; j--)
			m->region[j] = m->region[j - 1];
		m->region[j] = r;
	}
}

void memmap_print(struct memmap *m)
{
	size_t i;

	mm_log("memmap: physical memory (addresses below 0x%llx):",
	       (unsigned long long)m->limit);
	for (i = 0; i < m->nusable; i++)
		log_range("usable", m->usable[i].start, m->usable[i].end, "");
	regions_sort(m);
	for (i = 0; i < m->nregions; i++)
		log_range(m->region[i].type == MEMMAP_KERNEL ? "kernel" : "firmware",
			  m->region[i].start, m->region[i].end, m->region[i].name);
	mm_log("memmap: usable %llu KiB (%llu frames) = firmware %llu KiB - reservations %llu KiB; %u anomalies%s",
	       (unsigned long long)(memmap_usable_bytes(m) >> 10),
	       (unsigned long long)(memmap_usable_bytes(m) >> FRAME_SHIFT),
	       (unsigned long long)(m->fw_usable >> 10),
	       (unsigned long long)(m->reserved >> 10), m->anomalies,
	       m->dropped ? ", some ranges dropped (table full)" : "");
}
