// SPDX-License-Identifier: MIT
/*
 * UBSan runtime for `make UBSAN=1` kernels: every failed check names itself
 * and its source line, then panics (a test hook may take the report instead).
 *
 * gcc passes each handler a pointer to static data that starts with the
 * source location (struct ubsan_location); the rest (types, values) is not
 * needed to say what went wrong where, so every handler takes it as opaque.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/ubsan.h>

static ubsan_hook_fn hook;

void ubsan_set_hook(ubsan_hook_fn fn)
{
	__atomic_store_n(&hook, fn, __ATOMIC_RELEASE);
}

static void report(const char *check, const void *data)
{
	const struct ubsan_location *where = data;
	ubsan_hook_fn fn = __atomic_load_n(&hook, __ATOMIC_ACQUIRE);

	if (fn) {
		fn(check, where);
		return;
	}
	panic("ubsan: %s at %s:%u:%u", check, where->file, where->line, where->column);
}

/*
 * One handler per check gcc 12 emits. gcc passes data and up to two values;
 * taking two pointer-sized arguments always is harmless in the SysV ABI, and
 * they are not needed for the report.
 */
#define UBSAN_HANDLER(name, check)						\
	void __ubsan_handle_##name(void *data, void *a, void *b);		\
	void __ubsan_handle_##name(void *data, void *a, void *b)		\
	{									\
		(void)a;							\
		(void)b;							\
		report(check, data);						\
	}

UBSAN_HANDLER(add_overflow, "signed integer overflow in +")
UBSAN_HANDLER(sub_overflow, "signed integer overflow in -")
UBSAN_HANDLER(mul_overflow, "signed integer overflow in *")
UBSAN_HANDLER(negate_overflow, "signed integer overflow in unary -")
UBSAN_HANDLER(divrem_overflow, "division by zero or INT_MIN / -1")
UBSAN_HANDLER(shift_out_of_bounds, "shift out of bounds")
UBSAN_HANDLER(out_of_bounds, "array index out of bounds")
UBSAN_HANDLER(type_mismatch_v1, "null, misaligned or too small object access")
UBSAN_HANDLER(pointer_overflow, "pointer arithmetic overflow")
UBSAN_HANDLER(load_invalid_value, "load of an invalid bool or enum value")
UBSAN_HANDLER(vla_bound_not_positive, "VLA bound not positive")
UBSAN_HANDLER(nonnull_arg, "NULL passed as a nonnull argument")
UBSAN_HANDLER(nonnull_return_v1, "NULL returned from a returns_nonnull function")
UBSAN_HANDLER(invalid_builtin, "invalid argument to a builtin (ctz/clz of 0)")
UBSAN_HANDLER(builtin_unreachable, "__builtin_unreachable reached")
UBSAN_HANDLER(missing_return, "end of a non-void function reached")
