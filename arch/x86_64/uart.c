// SPDX-License-Identifier: MIT
/* 16550 UART driver for COM1: polled transmit, receive polled or on IRQ 4. */
#include <stdint.h>
#include <arch/io.h>
#include <arch/uart.h>

#define COM1		0x3F8
#define UART_DATA	0	/* DLAB=1: divisor low */
#define UART_IER	1	/* DLAB=1: divisor high */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCRATCH	7

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR_RTS_OUT2 0x0B
#define MCR_LOOPBACK	0x10
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20
#define IER_RX_DATA	0x01

#define BAUD_BASE	115200
#define BAUD		115200

/* At 115200 baud a byte takes ~87 us; this bounds the wait far beyond that. */
#define TX_SPIN_LIMIT	100000

static bool present;

static void uart_out(int reg, uint8_t val)
{
	outb(COM1 + reg, val);
}

static uint8_t uart_in(int reg)
{
	return inb(COM1 + reg);
}

/* Nothing decodes the port when a read of what we wrote comes back wrong. */
static bool uart_probe(void)
{
	uart_out(UART_SCRATCH, 0x5A);
	if (uart_in(UART_SCRATCH) != 0x5A)
		return false;
	uart_out(UART_MCR, MCR_LOOPBACK | 0x0E);
	uart_out(UART_DATA, 0xAE);
	return uart_in(UART_DATA) == 0xAE;
}

bool uart_init(void)
{
	uint16_t divisor = BAUD_BASE / BAUD;

	uart_out(UART_IER, 0);			/* polled: no interrupts */
	uart_out(UART_LCR, LCR_DLAB);
	uart_out(UART_DATA, divisor & 0xFF);
	uart_out(UART_IER, divisor >> 8);
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, 0xC7);		/* enable and clear FIFOs */
	present = uart_probe();
	uart_out(UART_MCR, MCR_DTR_RTS_OUT2);	/* out of loopback */
	return present;
}

static void uart_putc(char c)
{
	for (int spin = 0; spin < TX_SPIN_LIMIT; spin++)
		if (uart_in(UART_LSR) & LSR_THR_EMPTY)
			break;
	uart_out(UART_DATA, (uint8_t)c);
}

void uart_write(const char *s, size_t len)
{
	if (!present)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

bool uart_present(void)
{
	return present;
}

int uart_getc(void)
{
	if (!present || !(uart_in(UART_LSR) & LSR_DATA_READY))
		return -1;
	return uart_in(UART_DATA);
}

/* MCR's OUT2, set by uart_init, is what connects the UART's interrupt line on a PC. */
bool uart_rx_irq_enable(void)
{
	if (!present)
		return false;
	uart_out(UART_IER, IER_RX_DATA);
	return true;
}
