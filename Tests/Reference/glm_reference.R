# Reference values for Tests/ForecastingTests/GeneralizedLinearModelTests.swift.
#
#   Rscript Tests/Reference/glm_reference.R > Tests/Reference/glm_reference.txt
#
# R 4.2.2, MASS 7.3-58.2, sandwich (Debian r-cran-sandwich). Writes the CSV fixtures in
# Tests/Fixtures/glm/ (from MASS and base R datasets) and prints each number with 17 significant
# digits as Swift array literals.
#
# Convergence is tight: glm.control(epsilon = 1e-14, maxit = 100). MASS's glm.nb calls theta.ml with
# its default step tolerance eps = .Machine$double.eps^0.25 (1.2e-4), which leaves θ about 1e-8 from
# the maximum; for the reference glm.nb runs with theta.ml(eps = 1e-10) (the same stopping rule
# salesforecast uses), by giving a copy of glm.nb an environment whose theta.ml passes it.
suppressPackageStartupMessages({ library(MASS); library(sandwich) })
options(digits = 17)
control <- glm.control(epsilon = 1e-14, maxit = 100)
tight_glm_nb <- MASS::glm.nb
environment(tight_glm_nb) <- list2env(list(theta.ml = function(y, mu, n, weights, limit = 10, eps, trace = FALSE)
  MASS::theta.ml(y, mu, n, weights, limit = limit, eps = 1e-10, trace = trace)), parent = asNamespace("MASS"))

fixtures <- "Tests/Fixtures/glm"
# Levels in code-point order, as salesforecast sorts them, so both use the same reference level.
sorted_factor <- function(x) factor(as.character(x), levels = sort(unique(as.character(x)), method = "radix"))
swift <- function(name, x) cat(sprintf("    static let %s: [Double] = [%s]\n", name,
                                       paste(formatC(as.numeric(x), digits = 17, format = "g"), collapse = ", ")))
scalar <- function(name, x) cat(sprintf("    static let %s = %s\n", name, formatC(as.numeric(x), digits = 17, format = "g")))

report <- function(label, fit, cluster = NULL, negbin = FALSE) {
  s <- summary(fit)
  cat(sprintf("\n// %s: %s\n", label, deparse(formula(fit))))
  cat(sprintf("    // columns: %s\n", paste(names(coef(fit)), collapse = ", ")))
  swift("estimates", coef(fit))
  swift("standardErrors", s$coefficients[, 2])
  swift("zValues", s$coefficients[, 3])
  swift("pValues", s$coefficients[, 4])
  scalar("deviance", fit$deviance)
  scalar("nullDeviance", fit$null.deviance)
  scalar("dfResidual", fit$df.residual)
  scalar("dfNull", fit$df.null)
  scalar("logLikelihood", as.numeric(logLik(fit)))
  scalar("aic", AIC(fit))
  scalar("bic", BIC(fit))
  scalar("iterations", fit$iter)
  if (negbin) { scalar("theta", fit$theta); scalar("thetaStandardError", fit$SE.theta) }
  swift("hc0StandardErrors", sqrt(diag(vcovHC(fit, type = "HC0"))))
  swift("hc3StandardErrors", sqrt(diag(vcovHC(fit, type = "HC3"))))
  # type = "HC1": G/(G − 1)·(n − 1)/(n − p), statsmodels' cluster default and salesforecast's; vcovCL's
  # own default for a glm is type "HC0" (G/(G − 1) alone), smaller by √((n − 1)/(n − p)).
  if (!is.null(cluster)) swift("clusterStandardErrors", sqrt(diag(vcovCL(fit, cluster = cluster, type = "HC1"))))
}

# 1. MASS::quine (Aitkin 1978): days absent from school; negative binomial as in MASS §7.4.
quine <- MASS::quine
quine$group <- paste0(quine$Eth, quine$Lrn, quine$Age)
write.csv(quine, file.path(fixtures, "quine.csv"), row.names = FALSE, quote = FALSE)
nb <- tight_glm_nb(Days ~ Eth + Sex + Age + Lrn, data = quine, control = control)
report("quine, negative binomial (MASS::glm.nb)", nb, cluster = ~group, negbin = TRUE)
pq <- glm(Days ~ Eth + Sex + Age + Lrn, family = poisson, data = quine, control = control)
report("quine, Poisson", pq, cluster = ~group)

# 2. warpbreaks (base R datasets; Tippett 1950): breaks per loom; Poisson.
warp <- warpbreaks
write.csv(warp, file.path(fixtures, "warpbreaks.csv"), row.names = FALSE, quote = FALSE)
warp$tension <- sorted_factor(warp$tension)
pw <- glm(breaks ~ wool + tension, family = poisson, data = warp, control = control)
report("warpbreaks, Poisson", pw)
wald <- drop(t(coef(pw)[3:4]) %*% solve(vcov(pw)[3:4, 3:4]) %*% coef(pw)[3:4])

# 3. MASS::Insurance (Baxter, Coutts and Ross 1980): claims with offset(log(Holders)), Poisson and
#    negative binomial; Group and Age are ordered factors in MASS, used here as plain categories.
ins <- MASS::Insurance
ins$Group <- sorted_factor(ins$Group); ins$Age <- sorted_factor(ins$Age)
write.csv(ins, file.path(fixtures, "insurance.csv"), row.names = FALSE, quote = FALSE)
ins$District <- factor(ins$District)
pi <- glm(Claims ~ District + Group + Age + offset(log(Holders)), family = poisson, data = ins, control = control)
report("Insurance, Poisson with offset", pi, cluster = ~District)

# 4. MASS::epil (Thall and Vail 1990): seizures per two weeks of 59 patients, four visits each, with
#    offset(log(base/4)) (the baseline count of 8 weeks per two weeks), clustered by patient.
epil <- MASS::epil[, c("y", "trt", "base", "age", "period", "subject")]
write.csv(epil, file.path(fixtures, "epil.csv"), row.names = FALSE, quote = FALSE)
nbe <- tight_glm_nb(y ~ trt + age + period + offset(log(base/4)), data = epil, control = control)
report("epil, negative binomial with offset", nbe, cluster = ~subject, negbin = TRUE)

# 5. Count distributions in the tails (R's ppois, pnbinom, qpois, qnbinom).
cat("\n// count distributions\n")
swift("poissonLower", c(ppois(0, 3.5), ppois(2, 40), ppois(150, 300)))
swift("poissonUpper", c(ppois(12, 3.5, lower.tail = FALSE), ppois(80, 40, lower.tail = FALSE), ppois(10, 0.2, lower.tail = FALSE)))
swift("negbinLower", c(pnbinom(0, size = 1.3, mu = 4), pnbinom(1, size = 0.5, mu = 30), pnbinom(200, size = 20, mu = 400)))
swift("negbinUpper", c(pnbinom(40, size = 1.3, mu = 4, lower.tail = FALSE), pnbinom(5, size = 50, mu = 0.3, lower.tail = FALSE),
                       pnbinom(1000, size = 2, mu = 30, lower.tail = FALSE)))
swift("negbinPMF", c(dnbinom(3, size = 1.3, mu = 4), dnbinom(0, size = 0.5, mu = 30), dnbinom(57, size = 7.5, mu = 22)))
swift("quantiles", c(qpois(0.025, 3.5), qpois(0.975, 3.5), qpois(1 - 1e-12, 3.5), qnbinom(0.1, size = 1.3, mu = 4),
                     qnbinom(0.9, size = 1.3, mu = 4), qnbinom(1 - 1e-10, size = 0.7, mu = 12)))

cat("\n// Wald chi-squared (statistic, p-value) that tension's two effects are zero (warpbreaks, Poisson)\n")
swift("waldTension", c(wald, pchisq(wald, 2, lower.tail = FALSE)))

# 6. The predictive distribution of a new count: P(Y ≥ q) = ∫ P(Y ≥ q | μ = e^η) φ(η; η̂, s²) dη,
#    by adaptive quadrature (integrate) at the quine negative binomial's first two rows.
cat("\n// predictive P(Y >= q) for quine rows 1 and 100 (negative binomial), by integrate()\n")
X <- model.matrix(nb)
eta <- drop(X[c(1, 100), ] %*% coef(nb)); se <- sqrt(rowSums((X[c(1, 100), ] %*% vcov(nb)) * X[c(1, 100), ]))
tailp <- function(q, e, s) integrate(function(t) pnbinom(q - 1, size = nb$theta, mu = exp(t), lower.tail = FALSE) * dnorm(t, e, s),
                                     e - 12 * s, e + 12 * s, rel.tol = 1e-13, subdivisions = 1000)$value
swift("predictiveEta", eta); swift("predictiveSE", se)
swift("predictiveAtLeast", c(tailp(10, eta[1], se[1]), tailp(40, eta[1], se[1]), tailp(1, eta[2], se[2]), tailp(60, eta[2], se[2])))
