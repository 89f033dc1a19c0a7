/* SPDX-License-Identifier: MIT */
/* The 16550 UART on COM1: the serial port printk writes to ("console" means the screen). */
#ifndef ARCH_UART_H
#define ARCH_UART_H

#include <stdbool.h>
#include <stddef.h>

/* Program COM1 for 115200 8N1. Returns false (and stays silent) if absent. */
bool uart_init(void);
/* Send len bytes, "\n" as "\r\n"; never blocks for long on a stuck UART. */
void uart_write(const char *s, size_t len);
/* Did uart_init find COM1? */
bool uart_present(void);
/* A received byte, or -1 if none is waiting (or there is no UART). */
int uart_getc(void);
/* Raise IRQ 4 when a byte arrives; false if there is no UART. */
bool uart_rx_irq_enable(void);

#endif /* ARCH_UART_H */
