# lme4_extra_reference.R — extra lme4 cases for the mixed-model engine, beyond lme4_reference.R:
# a random-slope fit near the boundary, (x || g) crossed with a factor that has more levels (lme4
# reorders the terms), three-level nesting (1 | a/b/c), a 3x3 covariance block, and two singular
# 2x2 fits (correlation -1 / +1, theta[3] -> 0). Simulated data (seeded) go to Tests/Fixtures/lme4-extra/.
# Run from the package root: Rscript Tests/Reference/lme4_extra_reference.R
# Versions used for the committed output (also its first line): R version 4.2.2 Patched
# (2022-11-10 r83330), lme4 1.1.31, Matrix 1.5.3 (Debian packages r-base-core, r-cran-lme4).
suppressPackageStartupMessages(library(lme4))
set.seed(20261130)
ctrl <- lmerControl(optimizer = "nloptwrap",
  optCtrl = list(xtol_rel = 1e-14, ftol_rel = 1e-15, xtol_abs = 1e-14, ftol_abs = 1e-15, maxeval = 1e5))
ctrl2 <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-12, maxfun = 1e5))
out <- c()
fitboth <- function(f, d, reml) {
  a <- lmer(f, d, REML = reml, control = ctrl); b <- lmer(f, d, REML = reml, control = ctrl2)
  ca <- if (reml) REMLcrit(a) else deviance(a); cb <- if (reml) REMLcrit(b) else deviance(b)
  if (cb < ca) b else a
}
rec <- function(id, m) {
  crit <- if (isREML(m)) REMLcrit(m) else deviance(m)
  out <<- c(out, sprintf("%s|%.17g|%s|%s|%s|%s", id, crit, paste(sprintf("%.17g", getME(m, "theta")), collapse = ","),
     paste(sprintf("%.17g", fixef(m)), collapse = ","), paste(sprintf("%.17g", sqrt(diag(as.matrix(vcov(m))))), collapse=","), isSingular(m)))
}
# 1. boundary 2x2: no slope variance, small intercept variance
n_g <- 15; per <- 8
d1 <- data.frame(g = factor(rep(sprintf("g%02d", 1:n_g), each = per)), x = rep(seq(0, 1, length.out = per), n_g))
d1$y <- 3 + 2 * d1$x + rep(rnorm(n_g, sd = 0.05), each = per) + rnorm(nrow(d1))
write.csv(d1, "Tests/Fixtures/lme4-extra/d1.csv", row.names = FALSE, quote = FALSE)
rec("d1_rs_reml", suppressWarnings(suppressMessages(fitboth(y ~ x + (1 + x | g), d1, TRUE))))
rec("d1_rs_ml", suppressWarnings(suppressMessages(fitboth(y ~ x + (1 + x | g), d1, FALSE))))
# 2. crossed with || : (1|g) + (0+x|g) + (1|h), h has more levels than g; unbalanced (drop rows)
d2 <- expand.grid(g = sprintf("g%02d", 1:8), h = sprintf("h%02d", 1:20), rep = 1:2)
d2$x <- rnorm(nrow(d2))
ge <- rnorm(8, sd = 1); gs <- rnorm(8, sd = 0.7); he <- rnorm(20, sd = 0.5)
d2$y <- 1 + 0.5 * d2$x + ge[as.integer(factor(d2$g))] + gs[as.integer(factor(d2$g))] * d2$x + he[as.integer(factor(d2$h))] + rnorm(nrow(d2), sd = 0.8)
d2 <- d2[-sample(nrow(d2), 60), c("y", "x", "g", "h")]
write.csv(d2, "Tests/Fixtures/lme4-extra/d2.csv", row.names = FALSE, quote = FALSE)
rec("d2_reml", fitboth(y ~ x + (x || g) + (1 | h), d2, TRUE))
# 3. three-level nesting (1 | a/b/c): terms c:b:a, b:a, a
d3 <- expand.grid(a = sprintf("A%d", 1:5), b = sprintf("B%d", 1:3), c = sprintf("C%d", 1:3), r = 1:3)
ae <- rnorm(5); be <- rnorm(15, sd = 0.7); ce <- rnorm(45, sd = 0.5)
ia <- as.integer(factor(d3$a)); ib <- as.integer(interaction(d3$a, d3$b)); ic <- as.integer(interaction(d3$a, d3$b, d3$c))
d3$z <- runif(nrow(d3))
d3$y <- 10 + d3$z + ae[ia] + be[ib] + ce[ic] + rnorm(nrow(d3), sd = 0.6)
d3 <- d3[-sample(nrow(d3), 20), c("y", "z", "a", "b", "c")]
write.csv(d3, "Tests/Fixtures/lme4-extra/d3.csv", row.names = FALSE, quote = FALSE)
rec("d3_reml", fitboth(y ~ z + (1 | a/b/c), d3, TRUE))
rec("d3_ml", fitboth(y ~ z + (1 | a/b/c), d3, FALSE))
# 4. 3x3 block (1 + x + w | g)
d4 <- data.frame(g = factor(rep(sprintf("g%02d", 1:25), each = 10)), x = rnorm(250), w = rnorm(250))
L <- matrix(c(1, 0.3, -0.2, 0, 0.5, 0.1, 0, 0, 0.4), 3, 3)
B <- matrix(rnorm(75), 25, 3) %*% t(L)
gi <- as.integer(d4$g)
d4$y <- 2 + d4$x - d4$w + B[gi, 1] + B[gi, 2] * d4$x + B[gi, 3] * d4$w + rnorm(250, sd = 0.7)
write.csv(d4, "Tests/Fixtures/lme4-extra/d4.csv", row.names = FALSE, quote = FALSE)
rec("d4_reml", fitboth(y ~ x + w + (1 + x + w | g), d4, TRUE))
# 5/6. singular 2x2 fits
d5 <- data.frame(g = factor(rep(sprintf("g%02d", 1:12), each = 6)), x = rep(0:5, 12))
d5$y <- 1 + 0.3 * d5$x + rep(rnorm(12, sd = 0.4), each = 6) * d5$x + rnorm(72, sd = 1)
write.csv(d5, "Tests/Fixtures/lme4-extra/d5.csv", row.names = FALSE, quote = FALSE)
rec("d5_reml", suppressWarnings(suppressMessages(fitboth(y ~ x + (1 + x | g), d5, TRUE))))
d6 <- data.frame(g = factor(rep(sprintf("g%02d", 1:10), each = 5)), x = rep(c(-2, -1, 0, 1, 2), 10))
d6$y <- 1 + 0.3 * d6$x + rnorm(50, sd = 1)
write.csv(d6, "Tests/Fixtures/lme4-extra/d6.csv", row.names = FALSE, quote = FALSE)
rec("d6_reml", suppressWarnings(suppressMessages(fitboth(y ~ x + (1 + x | g), d6, TRUE))))
header <- c(sprintf("# %s; lme4 %s; Matrix %s", R.version.string, packageVersion("lme4"), packageVersion("Matrix")),
            "# id|criterion|theta|fixef|std errors|isSingular   (lower criterion of tight nloptwrap and bobyqa fits)")
writeLines(c(header, out), "Tests/Reference/lme4_extra_reference.txt")
cat(out, sep = "\n")
