// SPDX-License-Identifier: MIT
/* vsnprintf: the one formatter behind printk, panic and ktest output. */
#include <stdbool.h>
#include <stdint.h>
#include <kernel/vsprintf.h>

struct out {
	char *buf;
	size_t size;
	size_t len;	/* characters produced, even past size */
};

struct spec {
	bool left;	/* '-' */
	bool zero;	/* '0' */
	int width;
	int prec;	/* -1: none */
	bool wide;	/* l, ll or z: all 64-bit here; h and hh read an int */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->prec < 0 || len < sp->prec))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/* Print v in base 10 or 16 with an optional sign or "0x" prefix. */
static void put_num(struct out *o, const struct spec *sp, uint64_t v,
		    unsigned int base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;			/* C: "%.0d" of 0 prints nothing */
	while (prefix[plen])
		plen++;

	int zeros = sp->prec > n ? sp->prec - n : 0;
	int fill = sp->width - plen - zeros - n;

	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += fill > 0 ? fill : 0;
		fill = 0;
	}
	if (!sp->left)
		pad(o, ' ', fill);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

/* Parse flags, width, precision and length; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (; *f == 'l' || *f == 'z' || *f == 'h'; f++)
		if (*f != 'h')
			sp->wide = true;
	return f;
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->wide)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->wide)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static void convert(struct out *o, struct spec *sp, char c, va_list *ap)
{
	int64_t s;

	switch (c) {
	case 'd':
	case 'i':
		s = arg_signed(sp, ap);
		put_num(o, sp, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, false,
			s < 0 ? "-" : "");
		break;
	case 'u':
		put_num(o, sp, arg_unsigned(sp, ap), 10, false, "");
		break;
	case 'x':
	case 'X':
		put_num(o, sp, arg_unsigned(sp, ap), 16, c == 'X', "");
		break;
	case 'p':
		sp->zero = true;
		sp->width = 18;
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
		break;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		if (!sp->left)
			pad(o, ' ', sp->width - 1);
		put(o, (char)va_arg(*ap, int));
		if (sp->left)
			pad(o, ' ', sp->width - 1);
		break;
	default:			/* "%%" and unknown conversions */
		put(o, '%');
		if (c != '%')
			put(o, c);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!*fmt)
			break;
		convert(&o, &sp, *fmt++, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
