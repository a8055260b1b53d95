"""The evaluation suite (the eval stage)."""
