"""Fitted models shipped as data and evaluated with numpy (base layer).

Several stages read the same kind of model (the summary ranker in synthesize,
the pair trees in align); the evaluator lives here, below every stage, so no
stage imports a later one to read its model.
"""

from storylens.models.trees import TreeModel, read_model_file

__all__ = ["TreeModel", "read_model_file"]
