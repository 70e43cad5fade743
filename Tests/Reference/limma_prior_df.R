# Reference values for NoiseScalesTests: limma's moment estimate of the prior degrees of freedom d0
# (fitFDist, Smyth 2004) for sample variances with their degrees of freedom.
# R 4.2.2, limma 3.54.1 (Debian r-bioc-limma). Run: Rscript Tests/Reference/limma_prior_df.R
library(limma)
options(digits = 17)
# Spread wider than sampling: a finite d0.
s2 <- c(0.61, 1.42, 0.93, 2.10, 0.77, 1.05, 0.48, 1.66, 1.21, 0.88)
df <- c(20, 14.5, 27, 9, 30, 18.25, 11, 24, 16, 21)
f <- fitFDist(s2, df1 = df)
cat(sprintf("finite: df2 = %.17g, scale = %.17g\n", f$df2, f$scale))
# Spread narrower than sampling: limma returns an infinite d0.
s2n <- c(1.00, 1.02, 0.99, 1.01, 0.98, 1.03)
dfn <- c(10, 12, 9, 11, 10, 8)
fn <- fitFDist(s2n, df1 = dfn)
cat(sprintf("narrow: df2 = %.17g, scale = %.17g\n", fn$df2, fn$scale))
# trigamma inverse (limma's trigammaInverse) at a few points.
for (x in c(0.01, 0.37, 2.5, 40)) cat(sprintf("trigammaInverse(%g) = %.17g\n", x, trigammaInverse(x)))
