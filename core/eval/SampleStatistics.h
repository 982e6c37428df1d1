#pragma once
// Means and their standard errors as lm-evaluation-harness reports them: the sample standard
// deviation (n - 1) over the square root of n, and for a group of tasks weighted by size the
// pooled standard error of its subtasks.
#include <cstddef>
#include <vector>

namespace tunebench {

double mean(const std::vector<double>& values);  // 0 for none
// mean_stderr; 0 for fewer than two values.
double meanStandardError(const std::vector<double>& values);
// pooled_sample_stderr over subtasks of `sizes` items with these standard errors.
double pooledStandardError(const std::vector<double>& standardErrors,
                           const std::vector<size_t>& sizes);

}  // namespace tunebench
