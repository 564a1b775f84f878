/*
 * unit.h - the loader's unit tests: TAP output, one process per test file.
 *
 * A test file defines tests with UNIT_TEST(name) and lists them in UNIT_MAIN(...). CHECK
 * records a failure and goes on, so one run shows every broken expectation.
 */
#ifndef TM_UNIT_H
#define TM_UNIT_H

#include <stdio.h>
#include <string.h>

static int	unit_failures;
static int	unit_current_failed;

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			unit_current_failed = 1; \
		} \
	} while (0)

#define CHECK_STR(got, want) \
	do { \
		const char *g_ = (got); \
		const char *w_ = (want); \
		if (g_ == NULL || strcmp(g_, w_) != 0) \
		{ \
			printf("#   %s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, \
				   g_ ? g_ : "(null)", w_); \
			unit_current_failed = 1; \
		} \
	} while (0)

#define CHECK_INT(got, want) \
	do { \
		long long g_ = (long long) (got); \
		long long w_ = (long long) (want); \
		if (g_ != w_) \
		{ \
			printf("#   %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
			unit_current_failed = 1; \
		} \
	} while (0)

typedef struct
{
	const char *name;
	void		(*fn) (void);
} unit_test;

#define UNIT_TEST(name) static void name(void)
#define UNIT_ENTRY(name) {#name, name}

static inline int
unit_run(const unit_test *tests, size_t n)
{
	size_t		i;

	printf("1..%zu\n", n);
	for (i = 0; i < n; i++)
	{
		unit_current_failed = 0;
		tests[i].fn();
		printf("%s %zu - %s\n", unit_current_failed ? "not ok" : "ok", i + 1, tests[i].name);
		unit_failures += unit_current_failed;
	}
	return unit_failures ? 1 : 0;
}

#define UNIT_MAIN(...) \
	int main(void) \
	{ \
		static const unit_test tests_[] = {__VA_ARGS__}; \
		return unit_run(tests_, sizeof(tests_) / sizeof(tests_[0])); \
	}

#endif							/* TM_UNIT_H */
