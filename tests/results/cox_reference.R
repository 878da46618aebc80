# Reference values for analysis.cox_regression (issue 16): coxph (Efron ties), the robust
# (cluster) variance, strata, factor covariates, and cox.zph.  Run from this folder:
#   Rscript cox_reference.R
# Writes: lung.csv, rats.csv, cox_episodes.csv (the data, so the tests need no R),
#         cox_coefficients.csv (one row per model and term), cox_zph.csv, cox_models.csv.
# R 4.2, survival 3.5-3.
library(survival)
options(digits = 17)

lung_data <- survival::lung
write.csv(lung_data, "lung.csv", row.names = FALSE, na = "")
rats_data <- survival::rats
write.csv(rats_data, "rats.csv", row.names = FALSE, na = "")

# Simulated treatment episodes the project has not seen: patients with 1-4 courses of one of three
# treatments, course number, dose and a site; patient frailty; ties (whole days); censoring.
set.seed(1603)
n_pat <- 150
size <- sample(1:4, n_pat, replace = TRUE)
id <- rep(seq_len(n_pat), size)
course <- ave(id, id, FUN = seq_along)
treatment <- sample(c("ketamine_iv", "physical_therapy", "sgb"), length(id), replace = TRUE, prob = c(.4, .35, .25))
dose <- round(runif(length(id), 0.5, 2.5), 2)
site <- sample(c("north", "south"), n_pat, replace = TRUE)[id]
sex <- sample(c("F", "M"), n_pat, replace = TRUE, prob = c(.7, .3))[id]
frail <- rgamma(n_pat, 2, 2)[id]
lp <- log(1.6) * (treatment == "physical_therapy") + log(0.8) * (treatment == "sgb") + 0.15 * (course - 1) -
      0.3 * (dose - 1.5)
t <- ceiling(rexp(length(id), frail * exp(lp) / 40))
cens <- ceiling(runif(length(id), 20, 182))
time <- pmin(t, cens); event <- as.integer(t <= cens)
age <- round(rnorm(n_pat, 45, 12))[id]
age[sample(length(id), 6)] <- NA   # rows with a missing covariate are dropped and counted
ep <- data.frame(patient = id, time = time, event = event, treatment = treatment, course = course, dose = dose,
                 site = site, sex = sex, age = age)
write.csv(ep, "cox_episodes.csv", row.names = FALSE, na = "")

coefs <- list(); zphs <- list(); models <- list()
record <- function(name, fit, zph = TRUE) {
  s <- summary(fit)
  cf <- s$coefficients
  robust <- "robust se" %in% colnames(cf)
  ci <- s$conf.int
  coefs[[name]] <<- data.frame(model = name, term = rownames(cf), coef = cf[, "coef"],
    se = if (robust) cf[, "robust se"] else cf[, "se(coef)"], naive_se = cf[, "se(coef)"],
    hazard_ratio = ci[, "exp(coef)"], ci_low = ci[, "lower .95"], ci_high = ci[, "upper .95"],
    p_value = cf[, ncol(cf)], row.names = NULL)
  models[[name]] <<- data.frame(model = name, n = fit$n, events = fit$nevent, loglik0 = fit$loglik[1],
    loglik = fit$loglik[2], robust = robust, rscore = if (robust) unname(fit$rscore) else NA,
    n_dropped = length(fit$na.action))
  if (zph) {
    z <- cox.zph(fit)
    zphs[[name]] <<- data.frame(model = name, term = rownames(z$table), chisq = z$table[, "chisq"],
      df = z$table[, "df"], p_value = z$table[, "p"], row.names = NULL)
  }
}

# 1. R's lung: the issue's example (hazard ratios 1.011, 0.575, 1.590)
record("lung", coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_data))
# 2. ph.ecog as a factor (reference level 0): indicator terms; strata by sex
lung_f <- lung_data; lung_f$ecog <- factor(lung_f$ph.ecog)
record("lung_factor_strata", coxph(Surv(time, status) ~ age + ecog + strata(sex), data = lung_f))
# 3. rats: litters as clusters (robust variance)
record("rats_cluster", coxph(Surv(time, status) ~ rx + sex, data = rats_data, cluster = litter))
# 4. episodes: treatment (reference ketamine_iv) + course + dose + age, clustered by patient
ep$treatment <- factor(ep$treatment, levels = c("ketamine_iv", "physical_therapy", "sgb"))
record("episodes_cluster", coxph(Surv(time, event) ~ treatment + course + dose + age, data = ep, cluster = patient))
# 5. episodes: the same, stratified by site, reference physical_therapy, model-based variance
ep2 <- ep; ep2$treatment <- relevel(ep2$treatment, ref = "physical_therapy")
record("episodes_strata", coxph(Surv(time, event) ~ treatment + sex + course + strata(site), data = ep2))

write.csv(do.call(rbind, coefs), "cox_coefficients.csv", row.names = FALSE)
write.csv(do.call(rbind, zphs), "cox_zph.csv", row.names = FALSE)
write.csv(do.call(rbind, models), "cox_models.csv", row.names = FALSE, na = "")
