"""Privacy: redaction before storing, and the reporting thresholds every output passes."""
