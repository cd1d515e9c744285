"""Data generators at realistic scale and the benchmarks that use them."""
