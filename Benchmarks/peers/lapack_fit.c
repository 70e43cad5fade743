/*
 * lapack_fit.c: the C peer of `core-timer` for Benchmarks/compare.
 *
 * A least-squares fit written straight against reference LAPACK/BLAS (whichever library the
 * liblapack.so.3 / libblas.so.3 alternatives point at), to show what the numeric core of a fit
 * costs with no language overhead at all.
 *
 *   gcc -O2 -o lapack_fit Benchmarks/peers/lapack_fit.c -llapack -lblas -lm
 *   lapack_fit X.bin y.bin ROWS COLUMNS [REPEAT]
 *
 * X.bin: ROWS x COLUMNS float64, column-major (intercept column included); y.bin: ROWS float64.
 * Prints one JSON line: {"qr_solve_seconds": ..., "fit_seconds": ..., ...}, each the best of REPEAT,
 * measured with CLOCK_MONOTONIC and excluding file loading.
 *
 * Per repetition:
 *   qr_solve: copy X into a work buffer (the one copy a factorization needs), dgeqrf (workspace
 *             query first), dormqr('L','T') to apply Q^T to y, dtrtrs('U','N','N') for beta.
 *   fit:      qr_solve, then what a fit with standard inference needs: residuals y - X beta
 *             (dgemv), (X^T X)^-1 from R (dpotri on a p x p copy), the leverages (diagonal of the
 *             hat matrix: dtrsm('R','U','N','N') on blocks of 4096 rows of X, then the sum of
 *             squares of each row) and the condition number (dgesdd('N') of R).
 *
 * Fortran ABI: trailing-underscore names, 32-bit integers, and one hidden size_t length per
 * character argument (Debian's reference LAPACK is built with gfortran).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau,
                    double *work, const int *lwork, int *info);
extern void dormqr_(const char *side, const char *trans, const int *m, const int *n, const int *k,
                    const double *a, const int *lda, const double *tau, double *c, const int *ldc,
                    double *work, const int *lwork, int *info, size_t side_len, size_t trans_len);
extern void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n,
                    const int *nrhs, const double *a, const int *lda, double *b, const int *ldb,
                    int *info, size_t uplo_len, size_t trans_len, size_t diag_len);
extern void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
                    size_t uplo_len);
extern void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda,
                    double *s, double *u, const int *ldu, double *vt, const int *ldvt,
                    double *work, const int *lwork, int *iwork, int *info, size_t jobz_len);
extern void dgemv_(const char *trans, const int *m, const int *n, const double *alpha,
                   const double *a, const int *lda, const double *x, const int *incx,
                   const double *beta, double *y, const int *incy, size_t trans_len);
extern void dtrsm_(const char *side, const char *uplo, const char *transa, const char *diag,
                   const int *m, const int *n, const double *alpha, const double *a,
                   const int *lda, double *b, const int *ldb, size_t side_len, size_t uplo_len,
                   size_t transa_len, size_t diag_len);

enum { BLOCK_ROWS = 4096 };

static void fail(const char *what, int info) {
    fprintf(stderr, "lapack_fit: %s failed (info = %d)\n", what, info);
    exit(1);
}

static void *allocate(size_t count, size_t size) {
    void *p = malloc(count * size);
    if (p == NULL) {
        fprintf(stderr, "lapack_fit: out of memory (%zu x %zu bytes)\n", count, size);
        exit(1);
    }
    return p;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double *load(const char *path, size_t count) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    double *data = allocate(count, sizeof(double));
    size_t got = fread(data, sizeof(double), count, f);
    if (got != count) {
        fprintf(stderr, "lapack_fit: %s: expected %zu float64 values, read %zu\n", path, count, got);
        exit(1);
    }
    fclose(f);
    return data;
}

static long parse_positive(const char *text, const char *what) {
    char *end = NULL;
    long value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || value <= 0) {
        fprintf(stderr, "lapack_fit: %s must be a positive integer, not '%s'\n", what, text);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv) {
    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: lapack_fit X.bin y.bin ROWS COLUMNS [REPEAT]\n");
        return 2;
    }
    long rows = parse_positive(argv[3], "ROWS");
    long columns = parse_positive(argv[4], "COLUMNS");
    long repeat = argc == 6 ? parse_positive(argv[5], "REPEAT") : 3;
    if (rows > 2147483647L || columns > rows) {
        fprintf(stderr, "lapack_fit: need COLUMNS <= ROWS <= 2^31-1\n");
        return 2;
    }
    const int n = (int)rows, p = (int)columns, one = 1;
    const size_t np = (size_t)n * (size_t)p;
    double *x = load(argv[1], np);
    double *y = load(argv[2], (size_t)n);

    double *a = allocate(np, sizeof(double));          /* the factorization's copy of X */
    double *qty = allocate((size_t)n, sizeof(double)); /* Q^T y, then beta in its first p */
    double *resid = allocate((size_t)n, sizeof(double));
    double *leverage = allocate((size_t)n, sizeof(double));
    double *tau = allocate((size_t)p, sizeof(double));
    double *r = allocate((size_t)p * p, sizeof(double));
    double *inverse = allocate((size_t)p * p, sizeof(double));
    double *sv = allocate((size_t)p, sizeof(double));
    double *rc = allocate((size_t)p * p, sizeof(double)); /* R again: dgesdd overwrites it */
    double *block = allocate((size_t)BLOCK_ROWS * p, sizeof(double));
    int *iwork = allocate((size_t)8 * p, sizeof(int));

    double best_qr = INFINITY, best_fit = INFINITY;
    double beta0 = 0, rss = 0, condition = 0, max_leverage = 0, se0 = 0;
    for (long rep = 0; rep < repeat; rep++) {
        double start = now();
        int info = 0, lwork = -1;
        double query = 0;
        memcpy(a, x, np * sizeof(double));
        memcpy(qty, y, (size_t)n * sizeof(double));

        /* QR: workspace queries, then factor, apply Q^T, back-substitute. */
        dgeqrf_(&n, &p, a, &n, tau, &query, &lwork, &info);
        if (info != 0) fail("dgeqrf workspace query", info);
        int lwork_qr = (int)query;
        lwork = -1;
        dormqr_("L", "T", &n, &one, &p, a, &n, tau, qty, &n, &query, &lwork, &info, 1, 1);
        if (info != 0) fail("dormqr workspace query", info);
        if ((int)query > lwork_qr) lwork_qr = (int)query;
        if (lwork_qr < 1) lwork_qr = 1;
        double *work = allocate((size_t)lwork_qr, sizeof(double));
        dgeqrf_(&n, &p, a, &n, tau, work, &lwork_qr, &info);
        if (info != 0) fail("dgeqrf", info);
        dormqr_("L", "T", &n, &one, &p, a, &n, tau, qty, &n, work, &lwork_qr, &info, 1, 1);
        if (info != 0) fail("dormqr", info);
        free(work);
        dtrtrs_("U", "N", "N", &p, &one, a, &n, qty, &n, &info, 1, 1, 1);
        if (info != 0) fail("dtrtrs (X is rank deficient)", info);
        double after_solve = now();

        /* Residuals r = y - X beta. */
        const double minus_one = -1.0, plus_one = 1.0;
        memcpy(resid, y, (size_t)n * sizeof(double));
        dgemv_("N", &n, &p, &minus_one, x, &n, qty, &one, &plus_one, resid, &one, 1);
        double ssr = 0;
        for (int i = 0; i < n; i++) ssr += resid[i] * resid[i];

        /* R (upper triangle) as a p x p matrix, and (X^T X)^-1 = (R^T R)^-1 from it. */
        for (int j = 0; j < p; j++) {
            for (int i = 0; i < p; i++) {
                r[i + (size_t)j * p] = i <= j ? a[i + (size_t)j * n] : 0.0;
            }
        }
        memcpy(inverse, r, (size_t)p * p * sizeof(double));
        dpotri_("U", &p, inverse, &p, &info, 1);
        if (info != 0) fail("dpotri", info);

        /* Leverages: rows of X R^-1 are rows of Q; h_i is the squared length of row i. */
        double h_max = 0;
        for (int start_row = 0; start_row < n; start_row += BLOCK_ROWS) {
            int m = n - start_row < BLOCK_ROWS ? n - start_row : BLOCK_ROWS;
            for (int j = 0; j < p; j++) {
                memcpy(block + (size_t)j * m, x + (size_t)j * n + start_row, (size_t)m * sizeof(double));
            }
            dtrsm_("R", "U", "N", "N", &m, &p, &plus_one, r, &p, block, &m, 1, 1, 1, 1);
            for (int i = 0; i < m; i++) leverage[start_row + i] = 0.0;
            for (int j = 0; j < p; j++) {
                const double *column = block + (size_t)j * m;
                double *h = leverage + start_row;
                for (int i = 0; i < m; i++) h[i] += column[i] * column[i];
            }
            for (int i = 0; i < m; i++) {
                if (leverage[start_row + i] > h_max) h_max = leverage[start_row + i];
            }
        }

        /* Condition number of X = that of R: singular values only. */
        memcpy(rc, r, (size_t)p * p * sizeof(double));
        double dummy = 0;
        int ld_one = 1;
        lwork = -1;
        dgesdd_("N", &p, &p, rc, &p, sv, &dummy, &ld_one, &dummy, &ld_one, &query, &lwork, iwork, &info, 1);
        if (info != 0) fail("dgesdd workspace query", info);
        int lwork_svd = (int)query > 1 ? (int)query : 1;
        double *svd_work = allocate((size_t)lwork_svd, sizeof(double));
        dgesdd_("N", &p, &p, rc, &p, sv, &dummy, &ld_one, &dummy, &ld_one, svd_work, &lwork_svd, iwork, &info, 1);
        if (info != 0) fail("dgesdd", info);
        free(svd_work);
        double end = now();

        if (after_solve - start < best_qr) best_qr = after_solve - start;
        if (end - start < best_fit) best_fit = end - start;
        beta0 = qty[0];
        rss = ssr;
        condition = sv[p - 1] > 0 ? sv[0] / sv[p - 1] : INFINITY;
        max_leverage = h_max;
        se0 = n > p ? sqrt(ssr / (double)(n - p) * inverse[0]) : NAN;
    }

    printf("{\"qr_solve_seconds\": %.6f, \"fit_seconds\": %.6f, \"rows\": %d, \"columns\": %d, "
           "\"repeat\": %ld, \"beta0\": %.10g, \"se0\": %.10g, \"ssr\": %.10g, "
           "\"condition_number\": %.10g, \"max_leverage\": %.6g}\n",
           best_qr, best_fit, n, p, repeat, beta0, se0, rss, condition, max_leverage);
    free(x); free(y); free(a); free(qty); free(resid); free(leverage); free(tau); free(r);
    free(inverse); free(sv); free(rc); free(block); free(iwork);
    return 0;
}
