# JupyterLab for reading the book. `make lab` and tests/lab start it with
# JUPYTER_CONFIG_DIR=lab, so this file and custom/custom.css are found here.
# BookContentsManager resolves the book's references when it serves a notebook.
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from book_contents import BookContentsManager  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.ServerApp.contents_manager_class = BookContentsManager
# custom/custom.css: in JupyterLab the note under a widget's static picture says to run the cell.
c.LabApp.custom_css = True
# The reader's own settings and workspaces stay where JupyterLab keeps them by default,
# not in this folder (they would show in `git status`).
c.LabApp.user_settings_dir = str(Path.home() / ".jupyter" / "lab" / "user-settings")
c.LabApp.workspaces_dir = str(Path.home() / ".jupyter" / "lab" / "workspaces")
