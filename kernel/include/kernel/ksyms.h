/* SPDX-License-Identifier: MIT */
/*
 * The kernel symbol table: function addresses and names, generated from the
 * linked kernel by tools/ksyms.sh and linked back in (see mk/kernel.mk).
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint64_t size;		/* 0 if nm did not know it */
	const char *name;
};

/* The function containing addr, or NULL; *offset is addr - its start. */
const struct ksym *ksym_lookup(uint64_t addr, uint64_t *offset);
/* Write "name+0xoff/0xsize" (or "0x<addr>" if unknown) into buf; returns buf. */
char *ksym_format(char *buf, size_t size, uint64_t addr);
/* The address of function `name`, or 0. */
uint64_t ksym_address(const char *name);
/* How many symbols the table holds (0 in the first link pass). */
size_t ksym_count(void);

#endif /* KERNEL_KSYMS_H */
