/* Another computer's C maths library, imitated: tools/simulated_cpu.py preloads this.

   The C library's exp, log, sin, pow, ... are not correctly rounded: glibc, macOS, Windows
   and musl each round a few percent of results to the other neighbour of the exact value.
   This shim wraps the transcendental functions that NumPy and Python's math module call and
   returns, for a pseudo-random few percent of arguments, the other double (or float) next
   to the exact value: one ulp up or down, as a faithfully rounded libm may. The choice is
   a hash of the function and its arguments, so it is the same on every call and in every
   process, like a real library. A result the exact value is (nearly) equal to, such as
   exp(0) = 1 or pow(2, 3) = 8, is never moved: every libm gets those right. The exact
   value's side is read from the x87 long double version of the function (11 more bits).

   Build:  gcc -O2 -shared -fPIC -o other_libm.so other_libm.c -lm
   Use:    LD_PRELOAD=/path/to/other_libm.so python ...
   OTHER_LIBM_PERCENT (default 5) sets the share of moved results, OTHER_LIBM_SEED (default 0)
   picks another set of them: another library. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t threshold = UINT64_MAX / 100 * 5;
static uint64_t seed = 0;

__attribute__((constructor)) static void read_settings(void) {
    const char *percent = getenv("OTHER_LIBM_PERCENT");
    const char *seed_text = getenv("OTHER_LIBM_SEED");
    if (percent != NULL && *percent != '\0')
        threshold = (uint64_t)(UINT64_MAX / 100.0L * strtold(percent, NULL));
    if (seed_text != NULL && *seed_text != '\0')
        seed = strtoull(seed_text, NULL, 10);
}

/* splitmix64's finaliser: every input bit moves every output bit */
static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t bits_of(double x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits;
}

static int chosen(uint64_t function, double x, double y) {
    return mix(mix(mix(seed + function) ^ bits_of(x)) ^ bits_of(y)) < threshold;
}

/* The other neighbour of the exact value, if the result is not (nearly) the exact value
   and that neighbour is finite. errno stays as the library's function left it (Python's
   math module reads it). */
static double other_double(double result, long double exact) {
    if (!isfinite(result) || !isfinite(exact) || result == 0.0)
        return result;
    long double gap = fabsl(exact - (long double)result);
    if (gap <= fabsl(exact) * 0x1p-60L)  /* exact, or too close to tell */
        return result;
    int saved = errno;
    double other = nextafter(result, exact > result ? INFINITY : -INFINITY);
    errno = saved;
    return isfinite(other) ? other : result;
}

static float other_float(float result, long double exact) {
    if (!isfinite(result) || !isfinite(exact) || result == 0.0f)
        return result;
    long double gap = fabsl(exact - (long double)result);
    if (gap <= fabsl(exact) * 0x1p-50L)
        return result;
    int saved = errno;
    float other = nextafterf(result, exact > result ? INFINITY : -INFINITY);
    errno = saved;
    return isfinite(other) ? other : result;
}

/* the long double function at x (and y), leaving errno alone */
static long double exact1(long double (*fun)(long double), double x) {
    int saved = errno;
    long double value = fun(x);
    errno = saved;
    return value;
}

static long double exact2(long double (*fun)(long double, long double), double x, double y) {
    int saved = errno;
    long double value = fun(x, y);
    errno = saved;
    return value;
}

typedef double (*double1)(double);
typedef float (*float1)(float);
typedef double (*double2)(double, double);
typedef float (*float2)(float, float);

/* the library's own function, found once, after this shim in the search order */
#define REAL(name, type) \
    static type real_##name; \
    if (real_##name == NULL) real_##name = (type)dlsym(RTLD_NEXT, #name)

/* f(x) for double and float, with the long double lfun as the exact value */
#define UNARY(fun, id) \
    double fun(double x) { \
        REAL(fun, double1); \
        double r = real_##fun(x); \
        return chosen(id, x, 0.0) ? other_double(r, exact1(fun##l, x)) : r; \
    } \
    float fun##f(float x) { \
        REAL(fun##f, float1); \
        float r = real_##fun##f(x); \
        return chosen(id + 1000, x, 0.0) ? other_float(r, exact1(fun##l, x)) : r; \
    }

#define BINARY(fun, id) \
    double fun(double x, double y) { \
        REAL(fun, double2); \
        double r = real_##fun(x, y); \
        return chosen(id, x, y) ? other_double(r, exact2(fun##l, x, y)) : r; \
    } \
    float fun##f(float x, float y) { \
        REAL(fun##f, float2); \
        float r = real_##fun##f(x, y); \
        return chosen(id + 1000, x, y) ? other_float(r, exact2(fun##l, x, y)) : r; \
    }

UNARY(exp, 1)
UNARY(exp2, 2)
UNARY(expm1, 3)
UNARY(log, 4)
UNARY(log2, 5)
UNARY(log10, 6)
UNARY(log1p, 7)
UNARY(sin, 8)
UNARY(cos, 9)
UNARY(tan, 10)
UNARY(asin, 11)
UNARY(acos, 12)
UNARY(atan, 13)
UNARY(sinh, 14)
UNARY(cosh, 15)
UNARY(tanh, 16)
UNARY(asinh, 17)
UNARY(acosh, 18)
UNARY(atanh, 19)
UNARY(cbrt, 20)
UNARY(erf, 21)
UNARY(erfc, 22)
BINARY(pow, 23)
BINARY(atan2, 24)
BINARY(hypot, 25)

/* sincos(x) is sin(x) and cos(x) (a compiler may join the two calls into it) */
void sincos(double x, double *s, double *c) {
    *s = sin(x);
    *c = cos(x);
}

void sincosf(float x, float *s, float *c) {
    *s = sinf(x);
    *c = cosf(x);
}
