"""Hyperparameter search for zoo models, and the `lstm-zoo` command line."""
