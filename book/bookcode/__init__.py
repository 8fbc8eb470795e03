"""The book's code: chapter pictures, data and reference loops (not installed).

One module per chapter (``ch01`` ... ``ch08``) and what several chapters
share (``figures``). The notebooks import it as ``from bookcode import ch01``:
a kernel started by JupyterLab, nbval or ``tools/execute_notebooks.py`` runs
in ``book/``, so the import works without installing anything; the tests
find it through pytest's ``pythonpath = ["book"]``. The library the reader
uses for their own work is :mod:`mathnotes`; this folder is not part of it.
"""
