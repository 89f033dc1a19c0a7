// SPDX-License-Identifier: MIT
/* The PC's PS/2 controller (8042): set-up and the keyboard's bytes, by port I/O. */
#include <arch/i8042.h>
#include <arch/io.h>

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

static bool ps2_wait(uint8_t mask, uint8_t want)
{
	for (int spin = 0; spin < PS2_SPIN; spin++)
		if ((inb(PS2_STATUS) & mask) == want)
			return true;
	return false;
}

/* Send a command byte, then (arg >= 0) its argument byte; false if the controller stays busy. */
static bool ps2_command(uint8_t cmd, int arg)
{
	if (!ps2_wait(PS2_IN_FULL, 0))
		return false;
	outb(PS2_CMD, cmd);
	if (arg < 0)
		return true;
	if (!ps2_wait(PS2_IN_FULL, 0))
		return false;
	outb(PS2_DATA, (uint8_t)arg);
	return true;
}

bool i8042_init(void)
{
	uint8_t config;

	if (inb(PS2_STATUS) == 0xFF)
		return false;
	for (int n = 0; n < 16 && (inb(PS2_STATUS) & PS2_OUT_FULL); n++)
		inb(PS2_DATA);
	if (!ps2_command(PS2_READ_CONFIG, -1) || !ps2_wait(PS2_OUT_FULL, PS2_OUT_FULL))
		return false;
	config = inb(PS2_DATA) | PS2_CONFIG_IRQ1 | PS2_CONFIG_TRANSLATE;
	return ps2_command(PS2_WRITE_CONFIG, config);
}

int i8042_read_key(void)
{
	uint8_t status;

	while ((status = inb(PS2_STATUS)) & PS2_OUT_FULL) {
		uint8_t byte = inb(PS2_DATA);

		if (!(status & PS2_FROM_MOUSE))
			return byte;
	}
	return -1;
}
