/* SPDX-License-Identifier: MIT */
/*
 * Keyboard and serial input, merged into one queue of keys.
 *
 * Two layers, one header:
 *
 *   Portable (host-tested): struct input_queue, a ring of keys; struct kbd,
 *   a PS/2 scan code set 1 decoder (shift, caps lock, ctrl, the E0 keys);
 *   struct lineedit, the shell's line editor.
 *
 *   Kernel: input_init() unmasks the PS/2 keyboard (IRQ 1; the
 *   controller is <arch/i8042.h>'s) and COM1's receive interrupt (IRQ 4)
 *   on the legacy PIC; their handlers decode and queue. input_getc() waits with interrupts on and the CPU halted, and
 *   also polls both devices on every wakeup, so a lost or unrouted IRQ
 *   delays a key until the next interrupt but never drops it.
 *
 * Keys are ASCII (Enter is '\n' from either device, Backspace '\b' or DEL,
 * Ctrl-X is X & 0x1F) or one of the KEY_* codes above 0xFF.
 */
#ifndef KERNEL_INPUT_H
#define KERNEL_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum input_key {
	KEY_UP = 0x100,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_HOME,
	KEY_END,
	KEY_DELETE,
};

#define CTRL(c)		((c) & 0x1F)

/* ---------------------------------------------------------------- queue */

#define INPUT_QUEUE_SIZE	256	/* a power of two */

struct input_queue {
	uint16_t keys[INPUT_QUEUE_SIZE];
	unsigned int head, tail;	/* free-running: head - tail keys are queued */
	unsigned long dropped;		/* keys that found the queue full */
};

/* Queue key; false (and counted) if the queue is full. */
bool input_queue_push(struct input_queue *q, int key);
/* The oldest key, or -1 if there is none. */
int input_queue_pop(struct input_queue *q);

/* ---------------------------------------------------------------- keyboard */

struct kbd {
	bool shift_l, shift_r, ctrl, caps, extended;
};

/* Feed one byte from the keyboard: the key it completes, or -1 (a prefix, a release, a modifier). */
int kbd_feed(struct kbd *k, uint8_t scancode);

/* ---------------------------------------------------------------- line editor */

#define LINE_MAX_LEN	128
#define LINE_HISTORY	8

/*
 * Keys in, one line out. Printable characters go in at the cursor;
 * Backspace/DEL and Delete remove; Left/Right, Home/End (also Ctrl-A/E)
 * move; Ctrl-U clears; Ctrl-C abandons the line; Up/Down walk the history.
 * The escape sequences a serial terminal sends for those keys are decoded
 * here. Every change is echoed through echo() as text that redraws it on a
 * terminal or the screen console ("\b" moves left, no other escapes).
 */
struct lineedit {
	void (*echo)(void *ctx, const char *s, size_t len);
	void *ctx;
	char buf[LINE_MAX_LEN];
	size_t len, pos;
	int esc;			/* escape sequence state: 0, 1 after ESC, 2 after ESC [ */
	bool last_cr;			/* swallow the '\n' of a "\r\n" */
	char history[LINE_HISTORY][LINE_MAX_LEN];
	unsigned int nhistory;		/* lines remembered, up to LINE_HISTORY */
	unsigned int browsing;		/* 0: the new line; i: the i-th most recent */
};

enum lineedit_result {
	LINE_EDITING,	/* key taken, the line goes on */
	LINE_DONE,	/* Enter: the line is in buf, NUL-terminated */
	LINE_CANCEL,	/* Ctrl-C: the line was dropped */
};

/* Start an empty line (the history stays). */
void lineedit_reset(struct lineedit *le);
/* Take one key (or a byte of an escape sequence). */
enum lineedit_result lineedit_key(struct lineedit *le, int key);

/* ---------------------------------------------------------------- kernel */

/* Set up the PS/2 controller and COM1 input, and route both IRQs to the queue. */
void input_init(void);
/* The next key, halting the CPU until one arrives. */
int input_getc(void);

#endif /* KERNEL_INPUT_H */
