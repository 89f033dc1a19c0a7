// SPDX-License-Identifier: MIT
/* The Linux dialect's out-of-line part: u32 arrays, bitmap_cut, hex parsing, printing to buffers. */

#include <bitmap/compat/linux.h>

#define LX_PAGE_SIZE	4096

/* ------------------------------------------------------------ u32 arrays */

void bitmap_from_arr32(unsigned long *bitmap, const uint32_t *buf, unsigned int nbits)
{
	unsigned int halves = BITS_TO_U32(nbits);

	for (unsigned int i = 0; i < halves; i++) {
		if (i % 2 == 0)
			bitmap[i / 2] = buf[i];
		else
			bitmap[i / 2] |= (unsigned long)buf[i] << 32;
	}
	if (nbits % BITS_PER_LONG)
		bitmap[nbits / BITS_PER_LONG] &= BITMAP_LAST_WORD_MASK(nbits);
}

void bitmap_to_arr32(uint32_t *buf, const unsigned long *bitmap, unsigned int nbits)
{
	unsigned int halves = BITS_TO_U32(nbits);

	for (unsigned int i = 0; i < halves; i++)
		buf[i] = (uint32_t)(bitmap[i / 2] >> (i % 2 * 32));
	if (nbits % 32)
		buf[halves - 1] &= 0xffffffffu >> (-nbits & 31);
}

/* ------------------------------------------------------------ cut */

/* Copy n words from src to dst, which may overlap (memmove, one word at a time). */
static void move_words(unsigned long *dst, const unsigned long *src, unsigned int n)
{
	if (dst < src) {
		for (unsigned int k = 0; k < n; k++)
			dst[k] = src[k];
	} else if (dst > src) {
		for (unsigned int k = n; k-- > 0;)
			dst[k] = src[k];
	}
}

/* Bits [pos, pos + 64) of the len-word number at map; zeros above it. */
static unsigned long word_at(const unsigned long *map, unsigned int len, unsigned long pos)
{
	unsigned long w = pos / BITS_PER_LONG, off = pos % BITS_PER_LONG, v;

	if (w >= len)
		return 0;
	v = map[w] >> off;
	if (off && w + 1 < len)
		v |= map[w + 1] << (BITS_PER_LONG - off);
	return v;
}

void bitmap_cut(unsigned long *dst, const unsigned long *src, unsigned int first,
		unsigned int cut, unsigned int nbits)
{
	unsigned int len = BITS_TO_LONGS(nbits), fw = first / BITS_PER_LONG;
	unsigned long keep;

	move_words(dst, src, len);
	if (fw >= len)
		return;
	keep = dst[fw] & ~BITMAP_FIRST_WORD_MASK(first);
	/* Ascending and in place: word w reads only from bits at or above its own. */
	for (unsigned int w = fw; w < len; w++)
		dst[w] = word_at(dst, len, (unsigned long)w * BITS_PER_LONG + cut);
	dst[fw] = (dst[fw] & BITMAP_FIRST_WORD_MASK(first)) | keep;
}

/* ------------------------------------------------------------ hex parsing */

/* Linux's isspace() (Latin-1, so 0xa0 too) or a comma: what separates chunks. */
static bool is_chunk_sep(char c)
{
	unsigned char u = (unsigned char)c;

	return u == ',' || u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Read one chunk of at most 8 hex digits backwards, ending at s[*end];
 * move *end before it. As in Linux, a non-digit right before 8 digits is
 * passed over, a digit there is -EOVERFLOW.
 */
static int chunk_reverse(const char *s, long *end, uint32_t *val)
{
	uint32_t v = 0;

	for (int i = 0; i < 32; i += 4) {
		int c = hex_value(s[(*end)--]);

		if (c < 0)
			return -EINVAL;
		v |= (uint32_t)c << i;
		if (*end < 0 || is_chunk_sep(s[*end])) {
			*val = v;
			return 0;
		}
	}
	if (hex_value(s[(*end)--]) >= 0)
		return -EOVERFLOW;
	*val = v;
	return 0;
}

static void put_chunk(unsigned long *map, unsigned int k, uint32_t v)
{
	unsigned int sh = k % 2 * 32;

	map[k / 2] = (map[k / 2] & ~(0xffffffffUL << sh)) | (unsigned long)v << sh;
}

/*
 * Linux's bitmap_parse walk, chunk by chunk from the end of the text. With
 * map NULL it only finds the error Linux would report, writing nothing.
 */
static int parse_hex(const char *s, unsigned int buflen, unsigned long *map, unsigned int nbits)
{
	unsigned int total = BITS_TO_U32(nbits), k;
	uint32_t v = 0;
	long end = 0;
	int err;

	while ((unsigned int)end < buflen && s[end] && s[end] != '\n')
		end++;
	end--;
	for (k = 0;; k++) {
		while (end >= 0 && is_chunk_sep(s[end]))
			end--;
		if (end < 0)
			break;
		if (k == total)
			return -EOVERFLOW;
		err = chunk_reverse(s, &end, &v);
		if (err)
			return err;
		if (map)
			put_chunk(map, k, v);
	}
	if (k * 32 < nbits) {
		if (map)
			bitmap_clear(map, k * 32, nbits - k * 32);
		return 0;
	}
	/* Every chunk was given: the top one may not reach past nbits. */
	if (k && nbits % 32 && v >> (nbits % 32))
		return -EOVERFLOW;
	return 0;
}

int bitmap_parse(const char *buf, unsigned int buflen, unsigned long *maskp, int nmaskbits)
{
	int err;

	if (nmaskbits < 0)
		return -EINVAL;
	err = parse_hex(buf, buflen, NULL, (unsigned int)nmaskbits);
	if (err)
		return err;
	return parse_hex(buf, buflen, maskp, (unsigned int)nmaskbits);
}

/* ------------------------------------------------------------ printing */

/* The text, as it is produced, lands in buf only within [off, off + count). */
struct window {
	char *buf;
	unsigned long long off;
	unsigned long long count;
	unsigned long long pos;		/* the text's length so far */
};

static void put_char(struct window *w, char c)
{
	if (w->pos >= w->off && w->pos - w->off < w->count)
		w->buf[w->pos - w->off] = c;
	w->pos++;
}

static void put_number(struct window *w, unsigned long v, unsigned int base, int width)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		put_char(w, '0');
	while (n)
		put_char(w, digits[--n]);
}

/* "%*pbl": "0-3,7". */
static void put_list(struct window *w, const unsigned long *map, unsigned int nbits)
{
	unsigned long b, e;
	bool first = true;

	for_each_set_bitrange(b, e, map, nbits) {
		if (!first)
			put_char(w, ',');
		first = false;
		put_number(w, b, 10, 0);
		if (e - b > 1) {
			put_char(w, '-');
			put_number(w, e - 1, 10, 0);
		}
	}
}

/* "%*pb": 32-bit chunks in hex, the most significant first, zero-padded. */
static void put_mask(struct window *w, const unsigned long *map, unsigned int nbits)
{
	unsigned int size = nbits % 32 ? nbits % 32 : 32;

	for (long i = (long)BITS_TO_U32(nbits) * 32 - 32; i >= 0; i -= 32, size = 32) {
		unsigned long v = map[i / BITS_PER_LONG] >> (i % BITS_PER_LONG);

		if (i != (long)BITS_TO_U32(nbits) * 32 - 32)
			put_char(w, ',');
		put_number(w, v & (0xffffffffUL >> (32 - size)), 16, (int)DIV_ROUND_UP(size, 4));
	}
}

static void put_text(struct window *w, bool list, const unsigned long *map, int nbits)
{
	if (nbits <= 0)
		return;
	if (list)
		put_list(w, map, (unsigned int)nbits);
	else
		put_mask(w, map, (unsigned int)nbits);
}

/* scnprintf semantics over the text (and a newline): what fits, a NUL, its length. */
static int scnprint(char *buf, unsigned int size, bool list, bool newline,
		    const unsigned long *map, int nbits)
{
	struct window w = { buf, 0, size ? size - 1 : 0, 0 };

	if (size == 0)
		return 0;
	put_text(&w, list, map, nbits);
	if (newline)
		put_char(&w, '\n');
	if (w.pos > w.count)
		w.pos = w.count;
	buf[w.pos] = '\0';
	return (int)w.pos;
}

int bitmap_scnprintf(char *buf, unsigned int buflen, const unsigned long *maskp, int nmaskbits)
{
	return scnprint(buf, buflen, false, false, maskp, nmaskbits);
}

int bitmap_print_to_pagebuf(bool list, char *buf, const unsigned long *maskp, int nmaskbits)
{
	unsigned int room = LX_PAGE_SIZE - (unsigned int)((uintptr_t)buf % LX_PAGE_SIZE);

	return scnprint(buf, room, list, true, maskp, nmaskbits);
}

/* Linux's memory_read_from_buffer over the text "...\n\0": bytes [off, off + count). */
static int print_window(char *buf, bool list, const unsigned long *maskp, int nmaskbits,
			long long off, size_t count)
{
	struct window w = { buf, (unsigned long long)off, count, 0 };

	if (off < 0)
		return -EINVAL;
	put_text(&w, list, maskp, nmaskbits);
	put_char(&w, '\n');
	put_char(&w, '\0');
	if (w.off >= w.pos)
		return 0;
	return (int)(w.pos - w.off < w.count ? w.pos - w.off : w.count);
}

int bitmap_print_bitmask_to_buf(char *buf, const unsigned long *maskp, int nmaskbits,
				long long off, size_t count)
{
	return print_window(buf, false, maskp, nmaskbits, off, count);
}

int bitmap_print_list_to_buf(char *buf, const unsigned long *maskp, int nmaskbits,
			     long long off, size_t count)
{
	return print_window(buf, true, maskp, nmaskbits, off, count);
}
