/* Frame-pointer backtraces, symbolized with the kernel symbol table. */
#ifndef ARCH_BACKTRACE_H
#define ARCH_BACKTRACE_H

#include <stdint.h>

/* Print ip, then each return address up the rbp chain starting at fp. */
void backtrace_print(uint64_t ip, uint64_t fp);
/* Print the backtrace of the caller. */
void backtrace_here(void);

#endif /* ARCH_BACKTRACE_H */
