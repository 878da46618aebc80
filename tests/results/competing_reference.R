# Reference values for analysis.competing.cumulative_incidence (issue 16): Aalen-Johansen
# cumulative incidence with its infinitesimal-jackknife standard error, without and with patient
# clusters.  Run from this folder:  Rscript competing_reference.R
# Writes: competing_episodes.csv, mgus2.csv (the data), competing_cif.csv (R's curves).
# R 4.2, survival 3.5-3.
library(survival)
options(digits = 17)

# 1. mgus2 (Therneau's competing-risks vignette): progression (1) vs death before progression (2)
m <- survival::mgus2
m$etime <- with(m, ifelse(pstat == 0, futime, ptime))
m$event <- with(m, ifelse(pstat == 0, 2 * death, 1))
write.csv(m[, c("id", "etime", "event")], "mgus2.csv", row.names = FALSE)

# 2. relief episodes: loss of relief (1) vs re-treatment first (2), patients with 1-4 episodes
set.seed(1605)
n_pat <- 120
size <- sample(1:4, n_pat, replace = TRUE)
id <- rep(seq_len(n_pat), size)
frail <- rgamma(n_pat, 2, 2)[id]
loss <- ceiling(rexp(length(id), frail / 50))
retreat <- ceiling(rexp(length(id), 1 / 90))
cens <- ceiling(runif(length(id), 14, 182))
time <- pmin(loss, retreat, cens)
status <- ifelse(time == loss, 1L, ifelse(time == retreat, 2L, 0L))
ep <- data.frame(id = id, time = time, status = status)
write.csv(ep, "competing_episodes.csv", row.names = FALSE)

out <- list()
record <- function(name, fit) {
  s <- summary(fit, censored = TRUE)
  for (k in 2:3) {   # states: (s0), 1, 2
    out[[paste(name, k)]] <<- data.frame(model = name, cause = k - 1, time = s$time, at_risk = s$n.risk[, 1],
      estimate = s$pstate[, k], std_err = s$std.err[, k], ci_low = s$lower[, k], ci_high = s$upper[, k])
  }
}
record("mgus2", survfit(Surv(etime, factor(event, 0:2)) ~ 1, data = m, conf.type = "log-log"))
# survfit (survival 3.5-3) does not group the multi-state variance by `cluster` when every row is its
# own subject, so the patient-clustered standard error is computed from R's own per-row influence
# (influence = TRUE), summed within patient: sqrt(colSums(rowsum(influence, patient)^2)). Without
# grouping, the same sum reproduces R's std.err (checked below).
fit <- survfit(Surv(time, factor(status, 0:2)) ~ 1, data = ep, influence = TRUE, conf.type = "log-log")
stopifnot(max(abs(sqrt(colSums(fit$influence.pstate[, -1, 2]^2)) - fit$std.err[, 2])) < 1e-12)
z <- qnorm(0.975)
for (k in 2:3) {
  se <- sqrt(colSums(rowsum(fit$influence.pstate[, , k], ep$id)^2))
  # the influence array has a leading column for the starting time; drop it
  se <- se[-1]
  p <- fit$pstate[, k]
  lx <- log(ifelse(p == 0 | p == 1, NA, p))
  out[[paste("episodes_clustered", k)]] <- data.frame(model = "episodes_clustered", cause = k - 1, time = fit$time,
    at_risk = fit$n.risk[, 1], estimate = p, std_err = se,
    ci_low = exp(-exp(log(-lx) - z * se / p / lx)), ci_high = exp(-exp(log(-lx) + z * se / p / lx)))
}
record("episodes_unclustered", survfit(Surv(time, factor(status, 0:2)) ~ 1, data = ep, conf.type = "log"))
write.csv(do.call(rbind, out), "competing_cif.csv", row.names = FALSE, na = "NA")
