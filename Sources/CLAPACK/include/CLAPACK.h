// CLAPACK.h: the LAPACK and BLAS routines Forecasting calls, declared by hand.
//
// Fortran ABI: every argument is passed by pointer and INTEGER is 32-bit (LP64, as
// Debian's reference liblapack/libblas and Accelerate's classic interface use).
// Each CHARACTER argument has a hidden length passed by value after all others
// (gfortran's convention; Reference-LAPACK's lapack.h calls it
// LAPACK_FORTRAN_STRLEN_END). Callers always pass 1. This module provides no
// stable Swift API: only Sources/Forecasting/LinearAlgebra/LAPACK.swift imports it.
#ifndef CLAPACK_H
#define CLAPACK_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t lapack_int;

// QR factorization, plain and column-pivoted.
void dgeqrf_(const lapack_int *m, const lapack_int *n, double *a, const lapack_int *lda,
             double *tau, double *work, const lapack_int *lwork, lapack_int *info);
void dgeqp3_(const lapack_int *m, const lapack_int *n, double *a, const lapack_int *lda,
             lapack_int *jpvt, double *tau, double *work, const lapack_int *lwork,
             lapack_int *info);
// Apply Q or Qᵀ from a QR factorization to a matrix.
void dormqr_(const char *side, const char *trans, const lapack_int *m, const lapack_int *n,
             const lapack_int *k, const double *a, const lapack_int *lda, const double *tau,
             double *c, const lapack_int *ldc, double *work, const lapack_int *lwork,
             lapack_int *info, size_t side_len, size_t trans_len);
// Triangular solve with several right-hand sides.
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const lapack_int *n,
             const lapack_int *nrhs, const double *a, const lapack_int *lda, double *b,
             const lapack_int *ldb, lapack_int *info, size_t uplo_len, size_t trans_len,
             size_t diag_len);
// (RᵀR)⁻¹ from the triangular factor R.
void dpotri_(const char *uplo, const lapack_int *n, double *a, const lapack_int *lda,
             lapack_int *info, size_t uplo_len);
// Cholesky factorization and solve, for small symmetric positive definite systems (Wald tests).
void dpotrf_(const char *uplo, const lapack_int *n, double *a, const lapack_int *lda,
             lapack_int *info, size_t uplo_len);
void dpotrs_(const char *uplo, const lapack_int *n, const lapack_int *nrhs, const double *a,
             const lapack_int *lda, double *b, const lapack_int *ldb, lapack_int *info,
             size_t uplo_len);
// Singular value decomposition (divide and conquer).
void dgesdd_(const char *jobz, const lapack_int *m, const lapack_int *n, double *a,
             const lapack_int *lda, double *s, double *u, const lapack_int *ldu, double *vt,
             const lapack_int *ldvt, double *work, const lapack_int *lwork, lapack_int *iwork,
             lapack_int *info, size_t jobz_len);

// BLAS level 3: B := alpha * B * op(A)⁻¹ (or op(A)⁻¹ * B) for triangular A.
void dtrsm_(const char *side, const char *uplo, const char *transa, const char *diag,
            const lapack_int *m, const lapack_int *n, const double *alpha, const double *a,
            const lapack_int *lda, double *b, const lapack_int *ldb, size_t side_len,
            size_t uplo_len, size_t transa_len, size_t diag_len);
// BLAS level 3: C := alpha * op(A) * op(B) + beta * C.
void dgemm_(const char *transa, const char *transb, const lapack_int *m, const lapack_int *n,
            const lapack_int *k, const double *alpha, const double *a, const lapack_int *lda,
            const double *b, const lapack_int *ldb, const double *beta, double *c,
            const lapack_int *ldc, size_t transa_len, size_t transb_len);
// BLAS level 2: y := alpha * op(A) * x + beta * y.
void dgemv_(const char *trans, const lapack_int *m, const lapack_int *n, const double *alpha,
            const double *a, const lapack_int *lda, const double *x, const lapack_int *incx,
            const double *beta, double *y, const lapack_int *incy, size_t trans_len);

// Used by the linear mixed models (ForecastingCore/MixedModels).
// BLAS level 3: C := alpha * op(A) * op(A)ᵀ + beta * C, one triangle of symmetric C.
void dsyrk_(const char *uplo, const char *trans, const lapack_int *n, const lapack_int *k,
            const double *alpha, const double *a, const lapack_int *lda, const double *beta,
            double *c, const lapack_int *ldc, size_t uplo_len, size_t trans_len);
// Eigenvalues (ascending) and optionally eigenvectors of a symmetric matrix.
void dsyev_(const char *jobz, const char *uplo, const lapack_int *n, double *a,
            const lapack_int *lda, double *w, double *work, const lapack_int *lwork,
            lapack_int *info, size_t jobz_len, size_t uplo_len);

#endif
