# Reference values for the clustered Kaplan-Meier median limits and the clustered log-rank test
# (issue 16, fixes 1 and 2). Run from this folder:  Rscript km_logrank_reference.R
# Writes: km_clustered_samples.csv (the data), km_clustered_medians.csv (R's quantile() limits),
#         logrank_clustered_samples.csv (the data), logrank_clustered.csv (R's tests).
# R 4.2, survival 3.5-3.
library(survival)
options(digits = 17)
set.seed(20261203)

# ---- 1. Small clustered samples: booster-sized groups -------------------------------------------
samples <- list()
medians <- list()
for (s in 1:400) {
  n_pat <- sample(3:9, 1)
  size <- sample(1:4, n_pat, replace = TRUE)
  id <- rep(seq_len(n_pat), size)
  frail <- rgamma(n_pat, 1, 1)[id]
  t <- ceiling(rexp(length(id), frail / 40))
  c <- ceiling(runif(length(id), 10, 180))
  time <- pmin(t, c); event <- as.integer(t <= c)
  d <- data.frame(sample = s, time = time, event = event, id = id)
  samples[[s]] <- d
  for (ct in c("log-log", "log", "plain")) {
    fit <- survfit(Surv(time, event) ~ 1, data = d, id = id, robust = TRUE, conf.type = ct)
    q <- quantile(fit, 0.5)
    medians[[length(medians) + 1]] <- data.frame(sample = s, conf_type = ct,
      median = unname(q$quantile), lower = unname(q$lower), upper = unname(q$upper))
  }
}
write.csv(do.call(rbind, samples), "km_clustered_samples.csv", row.names = FALSE)
write.csv(do.call(rbind, medians), "km_clustered_medians.csv", row.names = FALSE, na = "NA")

# ---- 2. Log-rank: clustered (robust score test of coxph) and survdiff --------------------------
samples <- list()
tests <- list()
for (s in 1:60) {
  n_pat <- sample(c(10, 20, 40, 80), 1)
  k <- sample(2:4, 1)
  size <- sample(1:4, n_pat, replace = TRUE)
  if (s %% 5 == 0) size <- rep(1, n_pat)          # every patient one episode: survdiff
  id <- rep(seq_len(n_pat), size)
  group <- LETTERS[sample(1:k, length(id), replace = TRUE)]
  frail <- rgamma(n_pat, 1, 1)[id]
  t <- ceiling(rexp(length(id), frail / 30 * ifelse(group == "A", 1.5, 1)))
  c <- ceiling(runif(length(id), 5, 120))
  time <- pmin(t, c); event <- as.integer(t <= c)
  d <- data.frame(sample = s, time = time, event = event, group = group, id = id)
  samples[[s]] <- d
  sd <- survdiff(Surv(time, event) ~ group, data = d)
  fit <- coxph(Surv(time, event) ~ group, data = d, cluster = id)
  tests[[s]] <- data.frame(sample = s, groups = length(unique(group)),
    survdiff_chisq = sd$chisq, survdiff_df = length(sd$n) - 1,
    robust_score = unname(fit$rscore), robust_df = sum(!is.na(coef(fit))),
    clustered = any(table(d$id) > 1))
}
write.csv(do.call(rbind, samples), "logrank_clustered_samples.csv", row.names = FALSE)
write.csv(do.call(rbind, tests), "logrank_clustered.csv", row.names = FALSE)
