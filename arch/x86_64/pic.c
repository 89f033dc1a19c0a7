// SPDX-License-Identifier: MIT
/*
 * 8259 PIC setup. Until the APIC takes over, every IRQ is masked but the
 * ones a driver registers (the keyboard, COM1); the remap keeps a stray
 * IRQ 0 from looking like a #DF (vector 8).
 */
#include <arch/io.h>
#include <arch/pic.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xA0
#define PIC2_DATA	0xA1
#define PIC_EOI		0x20

static void (*handlers[16])(void);

void pic_init(void)
{
	outb(PIC1_CMD, 0x11);		/* ICW1: init, ICW4 follows */
	io_wait();
	outb(PIC2_CMD, 0x11);
	io_wait();
	outb(PIC1_DATA, PIC_VECTOR_BASE);	/* ICW2: vector base */
	io_wait();
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	io_wait();
	outb(PIC1_DATA, 4);		/* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 2);
	io_wait();
	outb(PIC1_DATA, 1);		/* ICW4: 8086 mode */
	io_wait();
	outb(PIC2_DATA, 1);
	io_wait();
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
}

/*
 * Lines nobody registered stay masked, so from the PIC only spurious IRQ
 * 7/15 can show up here. A spurious IRQ 15 still needs an EOI to the
 * master, which did see IRQ 2.
 */
void pic_spurious(uint64_t vector)
{
	if (vector >= PIC_VECTOR_BASE + 8 && vector < PIC_VECTOR_BASE + 16)
		outb(PIC1_CMD, PIC_EOI);
}

void pic_irq_register(unsigned int irq, void (*fn)(void))
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;

	if (irq >= 16)
		return;
	handlers[irq] = fn;
	outb(port, inb(port) & ~(1u << (irq & 7)));
	if (irq >= 8)			/* the slave reaches the CPU through IRQ 2 */
		outb(PIC1_DATA, inb(PIC1_DATA) & ~(1u << 2));
}

bool pic_irq_dispatch(uint64_t vector)
{
	unsigned int irq = (unsigned int)(vector - PIC_VECTOR_BASE);

	if (vector < PIC_VECTOR_BASE || irq >= 16 || !handlers[irq])
		return false;
	handlers[irq]();
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
	return true;
}
