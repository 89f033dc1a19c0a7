// SPDX-License-Identifier: MIT
/* Parse and print bitmaps in the Linux list format; see <bitmap/list.h> for the grammar. */

#include <bitmap/bitmap.h>
#include <bitmap/list.h>

/* What a parse is checked against: the map's size and the largest number. */
struct limits {
	size_t nbits;
	size_t max;		/* a larger number is `overflow` */
	int overflow;		/* -BM_ERANGE (bm_parse_list) or -BM_EOVERFLOW */
};

/* One region "start-end:used/group"; without a pattern every bit of it. */
struct region {
	size_t start;
	size_t end;		/* inclusive, as written */
	size_t used;
	size_t group;
	bool pattern;
};

static bool is_end(char c)
{
	return c == '\0' || c == '\n';
}

static bool is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Does s start with "all", in any case? */
static bool is_all(const char *s)
{
	return (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 'l' && (s[2] | 0x20) == 'l';
}

/*
 * Read a number or "N" at *sp and move past it; a number above lim->max is
 * refused as soon as it is read. With nbits = 0, "N" is SIZE_MAX, which
 * the range check then refuses.
 */
static int get_num(const char **sp, const struct limits *lim, size_t *v)
{
	const char *s = *sp;
	size_t n = 0;

	if (*s == 'N') {
		*v = lim->nbits - 1;
		*sp = s + 1;
		return 0;
	}
	if (!is_digit(*s))
		return -BM_EINVAL;
	for (; is_digit(*s); s++) {
		size_t d = (size_t)(*s - '0');

		if (lim->max < d || n > (lim->max - d) / 10)
			return lim->overflow;
		n = n * 10 + d;
	}
	*v = n;
	*sp = s;
	return 0;
}

/* Read the ":used/group" part of a region at *sp. */
static int get_pattern(const char **sp, const struct limits *lim, struct region *r)
{
	int err;

	(*sp)++;
	err = get_num(sp, lim, &r->used);
	if (err)
		return err;
	if (**sp != '/')
		return -BM_EINVAL;
	(*sp)++;
	r->pattern = true;
	return get_num(sp, lim, &r->group);
}

/* Read one region at *sp (not a separator) and move past it. */
static int get_region(const char **sp, const struct limits *lim, struct region *r)
{
	bool ranged = true;
	int err;

	r->pattern = false;
	if (is_all(*sp)) {
		r->start = 0;
		r->end = lim->nbits - 1;
		*sp += 3;
	} else {
		err = get_num(sp, lim, &r->start);
		if (err)
			return err;
		r->end = r->start;
		ranged = **sp == '-';
		if (ranged) {
			(*sp)++;
			err = get_num(sp, lim, &r->end);
			if (err)
				return err;
		}
	}
	/* As in Linux, a pattern needs a range: "5:1/2" is an error. */
	if (ranged && **sp == ':') {
		err = get_pattern(sp, lim, r);
		if (err)
			return err;
	}
	return is_end(**sp) || is_sep(**sp) ? 0 : -BM_EINVAL;
}

/* Syntax-level checks first, then the range: Linux's order of errors. */
static int check_region(const struct region *r, size_t nbits)
{
	if (r->start > r->end)
		return -BM_EINVAL;
	if (r->pattern && (r->group == 0 || r->used > r->group))
		return -BM_EINVAL;
	if (r->end >= nbits)
		return -BM_ERANGE;
	return 0;
}

static void set_region(uint64_t *map, const struct region *r)
{
	size_t b;

	if (!r->pattern) {
		bm_set_range(map, r->start, r->end - r->start + 1);
		return;
	}
	/* Written so that b + group can never overflow past end. */
	for (b = r->start;; b += r->group) {
		size_t left = r->end - b + 1;

		if (r->used)
			bm_set_range(map, b, r->used < left ? r->used : left);
		if (r->end - b < r->group)
			break;
	}
}

/* Walk every region of s; set them in map unless map is NULL (validation only). */
static int walk_list(const char *s, uint64_t *map, const struct limits *lim)
{
	struct region r;
	int err;

	for (;;) {
		while (is_sep(*s))
			s++;
		if (is_end(*s))
			return 0;
		err = get_region(&s, lim, &r);
		if (!err)
			err = check_region(&r, lim->nbits);
		if (err)
			return err;
		if (map)
			set_region(map, &r);
	}
}

static int parse_list(const char *s, uint64_t *map, const struct limits *lim)
{
	int err = walk_list(s, NULL, lim);

	if (err)
		return err;
	bm_zero(map, lim->nbits);
	return walk_list(s, map, lim);
}

int bm_parse_list(const char *s, uint64_t *map, size_t nbits)
{
	const struct limits lim = { nbits, SIZE_MAX, -BM_ERANGE };

	return parse_list(s, map, &lim);
}

int bm_parse_list_max(const char *s, uint64_t *map, size_t nbits, size_t max_num)
{
	const struct limits lim = { nbits, max_num, -BM_EOVERFLOW };

	return parse_list(s, map, &lim);
}

/* snprintf-style output: count everything, store what fits before the NUL. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, size_t v)
{
	char digits[20];	/* 2^64 - 1 has 20 */
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_char(o, digits[--n]);
}

int bm_print_list(char *buf, size_t size, const uint64_t *map, size_t nbits)
{
	struct out o = { buf, size, 0 };
	size_t rs, re;

	bm_for_each_run(rs, re, map, nbits) {
		if (o.len)
			put_char(&o, ',');
		put_num(&o, rs);
		if (re - rs > 1) {
			put_char(&o, '-');
			put_num(&o, re - 1);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > __INT_MAX__ ? __INT_MAX__ : (int)o.len;
}
