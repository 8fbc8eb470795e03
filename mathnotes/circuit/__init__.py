"""Circuit pictures of a traced computation, in four steps, one module each.

- ``_graph``: one walk over the graph of a :class:`~mathnotes.Value` collects
  what a drawing needs (the order of the values, who uses each, the fan-outs,
  the gradient on each wire); it reads the tracer and changes nothing;
- ``_layout`` and ``_crossings``: columns, order inside columns and heights,
  in inches, with no Matplotlib;
- ``_render``: :func:`mathnotes.draw` turns the layout into a Matplotlib figure;
- ``_explore``: :func:`mathnotes.explore`, sliders that rebuild and redraw.

The package imports nothing on its own: ``mathnotes.draw`` and
``mathnotes.explore`` load the rendering (Matplotlib) and the sliders
(ipywidgets) the first time they are used.
"""
