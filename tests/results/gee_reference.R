# Reference values for analysis.gee.risk_regression (issue 16): risk difference (identity link,
# gaussian), risk ratio (modified Poisson, log link) and odds ratio (logit), GEE with independence
# working correlation and robust (sandwich) variance, patients as clusters.  Run from this folder:
#   Rscript gee_reference.R
# Writes: gee_episodes.csv, ohio.csv (the data), gee_coefficients.csv (R's estimates).
# R 4.2, geepack 1.3.9.
library(geepack)
options(digits = 17)

set.seed(1604)
n_pat <- 200
size <- sample(1:4, n_pat, replace = TRUE)
id <- rep(seq_len(n_pat), size)
course <- ave(id, id, FUN = seq_along)
treatment <- sample(c("ketamine_iv", "physical_therapy", "sgb"), length(id), replace = TRUE)
sex <- sample(c("F", "M"), n_pat, replace = TRUE, prob = c(.7, .3))[id]
age <- round(rnorm(n_pat, 45, 12))[id]
age[sample(length(id), 8)] <- NA          # dropped and counted
u <- rnorm(n_pat, 0, 0.7)[id]              # patient effect: responses of one patient are correlated
p <- plogis(-0.4 + 0.8 * (treatment == "ketamine_iv") + 0.3 * (treatment == "sgb") - 0.2 * (course - 1) +
            0.01 * (age - 45) + u)
p[is.na(p)] <- 0.4
responder <- rbinom(length(id), 1, p)
ep <- data.frame(patient = id, responder = responder, treatment = treatment, course = course, sex = sex, age = age)
write.csv(ep, "gee_episodes.csv", row.names = FALSE, na = "")
data(ohio)
write.csv(ohio, "ohio.csv", row.names = FALSE)

out <- list()
record <- function(name, fit, measure) {
  s <- summary(fit)$coefficients
  out[[name]] <<- data.frame(model = name, measure = measure, term = rownames(s), coef = s[, "Estimate"],
                             se = s[, "Std.err"], p_value = s[, "Pr(>|W|)"], n = length(fit$y),
                             row.names = NULL)
}
epc <- ep[complete.cases(ep), ]
epc <- epc[order(epc$patient), ]
epc$treatment <- factor(epc$treatment, levels = c("physical_therapy", "ketamine_iv", "sgb"))
for (adj in c("unadjusted", "adjusted")) {
  f <- if (adj == "unadjusted") responder ~ treatment else responder ~ treatment + course + sex + age
  # the unadjusted fits use the same rows (complete cases) so they are comparable
  record(paste0("episodes_RD_", adj), geeglm(f, data = epc, id = patient, corstr = "independence",
         family = gaussian), "RD")
  record(paste0("episodes_RR_", adj), geeglm(f, data = epc, id = patient, corstr = "independence",
         family = poisson(link = "log")), "RR")
  record(paste0("episodes_OR_", adj), geeglm(f, data = epc, id = patient, corstr = "independence",
         family = binomial), "OR")
}
# ohio (wheeze at ages 7-10 by maternal smoking): a classic clustered binary data set
record("ohio_RR", geeglm(resp ~ age + smoke, data = ohio, id = id, corstr = "independence",
       family = poisson(link = "log")), "RR")
record("ohio_RD", geeglm(resp ~ age + smoke, data = ohio, id = id, corstr = "independence",
       family = gaussian), "RD")
record("ohio_OR", geeglm(resp ~ age + smoke, data = ohio, id = id, corstr = "independence",
       family = binomial), "OR")
write.csv(do.call(rbind, out), "gee_coefficients.csv", row.names = FALSE)

# Interaction (subgroup forest plots): is the ketamine_iv vs physical_therapy difference the same in
# every course band (1, 2, 3+)? Robust Wald test of the interaction coefficients.
two <- epc[epc$treatment %in% c("physical_therapy", "ketamine_iv"), ]
two$treatment <- droplevels(two$treatment)
two$band <- factor(ifelse(two$course >= 3, "3+", as.character(two$course)))
inter <- list()
for (fam in c("RD", "RR")) {
  family <- if (fam == "RD") gaussian else poisson(link = "log")
  for (cv in c("band", "sex")) {
    f <- as.formula(paste("responder ~ treatment *", cv))
    fit <- geeglm(f, data = two, id = patient, corstr = "independence", family = family)
    i <- grep(":", names(coef(fit)))
    b <- coef(fit)[i]
    chi2 <- drop(t(b) %*% solve(vcov(fit)[i, i, drop = FALSE]) %*% b)
    inter[[paste(fam, cv)]] <- data.frame(measure = fam, covariate = cv, chi2 = chi2, df = length(i),
                                          p_value = pchisq(chi2, length(i), lower.tail = FALSE))
  }
}
write.csv(do.call(rbind, inter), "gee_interaction.csv", row.names = FALSE)
