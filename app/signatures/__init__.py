"""Signatures bound to content hashes: stage sign-offs and the funding formula's CEO and CFO
signatures, in one table with one set of rules (BRIEF §4 rules 1, 2, 3 and 10)."""
