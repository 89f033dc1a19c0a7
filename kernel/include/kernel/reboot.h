/* SPDX-License-Identifier: MIT */
/* Restarting and stopping the machine (kernel/reboot.c). */
#ifndef KERNEL_REBOOT_H
#define KERNEL_REBOOT_H

/* Restart the machine: the ACPI reset register, the keyboard controller, a triple fault. */
void machine_reboot(void) __attribute__((noreturn));
struct boot_rsdp;
/* Where machine_reboot() finds the FADT: the boot loader's RSDP copies (kmain's; NULL: a scan). */
void machine_reboot_init(const struct boot_rsdp *rsdp);
/* Stop every CPU we run on for good. */
void machine_halt(void) __attribute__((noreturn));

#endif /* KERNEL_REBOOT_H */
