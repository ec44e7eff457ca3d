"""sinbin toxicity models: training, evaluation and export (see models/README.md)."""
