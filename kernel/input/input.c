// SPDX-License-Identifier: MIT
/*
 * Input in the kernel: the PS/2 keyboard and COM1 feed one queue.
 * Both are interrupt-driven through the legacy PIC (IRQ 1 and 4); the
 * waiting side polls the devices as well, so keys still arrive where the
 * IRQs are not routed, just later.
 */
#include <arch/cpu.h>
#include <arch/i8042.h>
#include <arch/pic.h>
#include <arch/uart.h>
#include <kernel/input.h>
#include <kernel/printk.h>

#define IRQ_COM1		4

static struct input_queue queue;
static struct kbd kbd;
static bool have_ps2;

/* Drain both devices into the queue. Interrupts off: the handlers and the shell share it. */
static void poll_devices(void)
{
	int byte, c;

	while (have_ps2 && (byte = i8042_read_key()) >= 0)
		if ((c = kbd_feed(&kbd, (uint8_t)byte)) >= 0)
			input_queue_push(&queue, c);
	while ((c = uart_getc()) >= 0)
		input_queue_push(&queue, c);
}

static void input_irq(void)
{
	poll_devices();
}

void input_init(void)
{
	have_ps2 = i8042_init();
	if (have_ps2)
		pic_irq_register(I8042_IRQ_KEYBOARD, input_irq);
	if (uart_rx_irq_enable())
		pic_irq_register(IRQ_COM1, input_irq);
	pr_info("input: %s%s, interrupt-driven through the PIC\n",
		have_ps2 ? "PS/2 keyboard" : "no PS/2 controller",
		uart_present() ? " and COM1" : "");
}

int input_getc(void)
{
	for (;;) {
		int key;

		cpu_cli();
		poll_devices();
		key = input_queue_pop(&queue);
		if (key >= 0) {
			cpu_sti();
			return key;
		}
		/* Atomic: a key arriving between the check and the hlt still wakes us. */
		cpu_sti_hlt();
	}
}
