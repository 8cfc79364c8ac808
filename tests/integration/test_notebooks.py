"""The notebooks in ``notebooks/`` run top to bottom, each in under a minute, with plots.

They run with nbclient on a kernel of the very Python running pytest (ipykernel is
installed beside commsim), not whatever ``python3`` kernel Jupyter would find, in a
temporary working folder, so nothing is left behind.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
NAMES = ["01_first_community", "02_compare_strategies", "03_sweeps_with_hydra"]
BUDGET_S = 60.0


def test_the_three_notebooks_are_there() -> None:
    assert [p.stem for p in NOTEBOOKS] == NAMES


def test_notebooks_are_committed_without_outputs() -> None:
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def this_python_kernel(folder: Path) -> KernelManager:
    """A kernel manager whose only kernel is ``sys.executable -m ipykernel_launcher``."""
    spec = folder / "kernels" / "commsim-python"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "language": "python", "display_name": "commsim"})
    )
    specs = KernelSpecManager(kernel_dirs=[str(spec.parent)], ensure_native_kernel=False)
    return KernelManager(kernel_name="commsim-python", kernel_spec_manager=specs)


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    work = tmp_path / "work"
    work.mkdir()
    kernel = this_python_kernel(tmp_path)
    client = NotebookClient(
        nb, km=kernel, timeout=int(BUDGET_S * 2), resources={"metadata": {"path": str(work)}}
    )
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}")
    finally:
        if kernel.has_kernel:  # nbclient leaves a kernel it was given running
            kernel.shutdown_kernel(now=True)
    seconds = time.monotonic() - start
    print(f"\n{path.name}: {seconds:.1f} s")
    assert seconds < BUDGET_S, f"{path.name} took {seconds:.0f} s (budget {BUDGET_S:.0f} s)"
    images = sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    )
    assert images >= 2, f"{path.name} drew {images} plots"
    assert list(work.iterdir()) == [], "the notebook wrote into its working folder"
