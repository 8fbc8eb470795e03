"""Helpers for the course *Linear algebra and matrix calculus for deep learning*.

Every public name is importable from ``mathnotes`` directly. The names are
loaded lazily: ``import mathnotes`` imports only NumPy-free code, and
Matplotlib or ipywidgets are imported the first time a name that needs them
is used.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> private module that defines it
_EXPORTS = {
    # interactive figures with a static fallback (mathnotes/_interactive.py)
    "interactive_figure": "_interactive",
    "LiveFigure": "_interactive",
    # numerical derivatives and gradient checks (mathnotes/_numdiff.py, mathnotes/_gradcheck.py)
    "numerical_gradient": "_numdiff",
    "numerical_jacobian": "_numdiff",
    "numerical_vjp": "_numdiff",
    "check_gradient": "_gradcheck",
    "check_jacobian": "_gradcheck",
    "check_vjp": "_gradcheck",
    "check_arguments": "_gradcheck",
    "CheckResult": "_gradcheck",
    "CheckReport": "_gradcheck",
    # linear systems: elimination, row and column pictures (mathnotes/_linsys.py)
    "classify_system": "_linsys",
    "lu_partial_pivoting": "_linsys",
    "rotating_row_system": "_linsys",
    "equation_text": "_linsys",
    "plot_row_picture": "_linsys",
    "plot_column_picture": "_linsys",
    "plot_system_2x2": "_linsys",
    "view_along": "_linsys",
    "plot_least_squares": "_linsys",
    # Jacobian pictures: matrices, shape cases, grid deformation (mathnotes/_jacobian_plots.py)
    "plot_matrices": "_jacobian_plots",
    "plot_shape_cases": "_jacobian_plots",
    "draw_grid_deformation": "_jacobian_plots",
    # chain rules: Jacobian-chain counts and figures (mathnotes/_chain_plots.py)
    "chain_multiplication_counts": "_chain_plots",
    "chain_product": "_chain_plots",
    "plot_chain_tangents": "_chain_plots",
    "plot_jacobian_shapes": "_chain_plots",
    "plot_total_derivative": "_chain_plots",
    "plot_mode_costs": "_chain_plots",
    # layers and losses, sample-first Y = X @ W + b (mathnotes/_layers.py)
    "Linear": "_layers",
    "ReLU": "_layers",
    "Sequential": "_layers",
    "squared_error": "_layers",
    "softmax_cross_entropy": "_layers",
    # chapter 6 pictures: product shapes, batch sums of outer products (mathnotes/_matmul_plots.py)
    "plot_matmul_shapes": "_matmul_plots",
    "plot_outer_product_sum": "_matmul_plots",
    # chapter 2 figures: gradient fields, step-size errors, linearisation (mathnotes/_gradient_plots.py)
    "plot_gradient_field": "_gradient_plots",
    "plot_step_size_errors": "_gradient_plots",
    "plot_linearisation": "_gradient_plots",
    "plot_partial_slices": "_gradient_plots",
    # backpropagation figures that are not circuits (mathnotes/_backprop_plots.py)
    "plot_softmax_gradient": "_backprop_plots",
    # reverse-mode tracer and circuit drawings (mathnotes/_value.py, _draw.py, _explore.py)
    "Value": "_value",
    "maximum": "_value",
    "draw": "_draw",
    "explore": "_explore",
    # loss curves of training runs, chapters 5 and 7 (mathnotes/_loss_plots.py)
    "plot_loss_curves": "_loss_plots",
    # chapter 7: toy data, a reference training loop and its pictures (mathnotes/_datasets.py,
    # mathnotes/_training.py)
    "make_spirals": "_datasets",
    "train_two_layer": "_training",
    "plot_decision_boundary": "_training",
    "plot_training_run": "_training",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    try:
        module_name = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'mathnotes' has no attribute {name!r}") from None
    value = getattr(import_module(f"mathnotes.{module_name}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
