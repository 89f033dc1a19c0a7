# lib/bitmap: the library (kernel + host), its portable test suites, the TSan claim test.

BITMAP_SRCS += lib/bitmap/bitmap.c
BITMAP_SRCS += lib/bitmap/find.c
BITMAP_SRCS += lib/bitmap/runs.c
BITMAP_SRCS += lib/bitmap/claim.c
BITMAP_SRCS += lib/bitmap/dyn.c
BITMAP_SRCS += lib/bitmap/hbitmap.c
BITMAP_SRCS += lib/bitmap/list.c

TEST_PORTABLE_SRCS += tests/bitmap/hbitmap_test.c
TEST_PORTABLE_SRCS += tests/bitmap/list_test.c
