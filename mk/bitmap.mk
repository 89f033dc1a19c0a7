# lib/bitmap: the library (kernel + host), its portable test suites, the TSan claim test.

BITMAP_SRCS += lib/bitmap/bitmap.c
BITMAP_SRCS += lib/bitmap/find.c
BITMAP_SRCS += lib/bitmap/runs.c
BITMAP_SRCS += lib/bitmap/claim.c
BITMAP_SRCS += lib/bitmap/dyn.c
