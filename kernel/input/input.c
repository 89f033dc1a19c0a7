/*
 * Input in the kernel: the PS/2 keyboard and COM1 feed one queue.
 * Both are interrupt-driven through the legacy PIC (IRQ 1 and 4); the
 * waiting side polls the devices as well, so keys still arrive where the
 * IRQs are not routed, just later.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/pic.h>
#include <arch/uart.h>
#include <kernel/input.h>
#include <kernel/printk.h>

#define PS2_DATA		0x60
#define PS2_STATUS		0x64	/* read */
#define PS2_CMD			0x64	/* write */
#define PS2_OUT_FULL		0x01
#define PS2_IN_FULL		0x02
#define PS2_FROM_MOUSE		0x20
#define PS2_READ_CONFIG		0x20
#define PS2_WRITE_CONFIG	0x60
#define PS2_CONFIG_IRQ1		0x01
#define PS2_CONFIG_TRANSLATE	0x40
#define PS2_SPIN		100000

#define IRQ_KEYBOARD		1
#define IRQ_COM1		4

static struct input_queue queue;
static struct kbd kbd;
static bool have_ps2;

static bool ps2_wait(uint8_t mask, uint8_t want)
{
	for (int spin = 0; spin < PS2_SPIN; spin++)
		if ((inb(PS2_STATUS) & mask) == want)
			return true;
	return false;
}

/*
 * Keyboard IRQ on, scan code translation on (set 1). No controller at all
 * reads back 0xFF from every port: leave it alone then.
 */
static bool ps2_init(void)
{
	uint8_t config;

	if (inb(PS2_STATUS) == 0xFF)
		return false;
	for (int n = 0; n < 16 && (inb(PS2_STATUS) & PS2_OUT_FULL); n++)
		inb(PS2_DATA);
	if (!ps2_wait(PS2_IN_FULL, 0))
		return false;
	outb(PS2_CMD, PS2_READ_CONFIG);
	if (!ps2_wait(PS2_OUT_FULL, PS2_OUT_FULL))
		return false;
	config = inb(PS2_DATA) | PS2_CONFIG_IRQ1 | PS2_CONFIG_TRANSLATE;
	if (!ps2_wait(PS2_IN_FULL, 0))
		return false;
	outb(PS2_CMD, PS2_WRITE_CONFIG);
	if (!ps2_wait(PS2_IN_FULL, 0))
		return false;
	outb(PS2_DATA, config);
	return true;
}

/* Drain both devices into the queue. Interrupts off: the handlers and the shell share it. */
static void poll_devices(void)
{
	uint8_t status;
	int c;

	while (have_ps2 && ((status = inb(PS2_STATUS)) & PS2_OUT_FULL)) {
		uint8_t byte = inb(PS2_DATA);

		if (!(status & PS2_FROM_MOUSE) && (c = kbd_feed(&kbd, byte)) >= 0)
			input_queue_push(&queue, c);
	}
	while ((c = uart_getc()) >= 0)
		input_queue_push(&queue, c);
}

static void input_irq(void)
{
	poll_devices();
}

void input_init(void)
{
	have_ps2 = ps2_init();
	if (have_ps2)
		pic_irq_register(IRQ_KEYBOARD, input_irq);
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

unsigned long input_dropped(void)
{
	return queue.dropped;
}
