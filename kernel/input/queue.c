// SPDX-License-Identifier: MIT
/* The input queue: a ring of keys between the interrupt handlers and the shell. */
#include <kernel/input.h>

bool input_queue_push(struct input_queue *q, int key)
{
	if (q->head - q->tail == INPUT_QUEUE_SIZE) {
		q->dropped++;
		return false;
	}
	q->keys[q->head++ % INPUT_QUEUE_SIZE] = (uint16_t)key;
	return true;
}

int input_queue_pop(struct input_queue *q)
{
	if (q->head == q->tail)
		return -1;
	return q->keys[q->tail++ % INPUT_QUEUE_SIZE];
}
