/* The monitor shell: a prompt on the screen and the serial line to look at every bitmap live. */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stdbool.h>
#include <stdint.h>

/* Read and run commands forever (from kmain, after the self-tests). */
void shell_run(void) __attribute__((noreturn));

/* Parse a decimal or 0x-prefixed hexadecimal number; false unless all of s is one. */
bool shell_parse_u64(const char *s, uint64_t *out);
/* Split line in place at spaces into at most max words; returns how many (max + 1: too many). */
int shell_split(char *line, char **argv, int max);

/* Restart the machine: the ACPI reset register, the keyboard controller, a triple fault. */
void machine_reboot(void) __attribute__((noreturn));
/* Stop every CPU we run on for good. */
void machine_halt(void) __attribute__((noreturn));

#endif /* KERNEL_SHELL_H */
