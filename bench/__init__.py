"""Scale-data generator and benchmarks (see bench/README.md)."""
