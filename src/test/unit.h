/*
 * unit.h — what the C unit tests share: the counts of checks passed and
 * failed, and CHECK(cond, fmt, ...), which counts a check and prints where
 * and why it failed.  Each test program prints the counts at its end.
 */
#ifndef LLMCOPY_TEST_UNIT_H
#define LLMCOPY_TEST_UNIT_H

#include <stdio.h>

static int	passed,
			failed;

#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); } } while (0)

#endif							/* LLMCOPY_TEST_UNIT_H */
