/* Restarting and stopping the machine (kernel/reboot.c). */
#ifndef KERNEL_REBOOT_H
#define KERNEL_REBOOT_H

/* Restart the machine: the ACPI reset register, the keyboard controller, a triple fault. */
void machine_reboot(void) __attribute__((noreturn));
/* Stop every CPU we run on for good. */
void machine_halt(void) __attribute__((noreturn));

#endif /* KERNEL_REBOOT_H */
