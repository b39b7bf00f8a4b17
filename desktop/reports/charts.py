"""Matplotlib with Chinese labels (no boxes): register a bundled CJK font once, use the Agg backend."""

from __future__ import annotations

from functools import lru_cache

from desktop.reports.fonts import BUNDLED


@lru_cache(maxsize=1)
def pyplot():  # noqa: ANN201
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for name in ("WorkbenchSans-Regular.ttf", "LXGWWenKai-Regular.ttf"):
        font_manager.fontManager.addfont(str(BUNDLED / name))
    plt.rcParams["font.sans-serif"] = ["Microsoft YaHei", "SimHei", "Workbench Sans SC", "LXGW WenKai"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt
