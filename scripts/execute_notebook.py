"""Execute one notebook with Jupyter's own client (nbclient) and export it to HTML (nbconvert).

Called by scripts/run-notebooks.js, once per notebook:

    python scripts/execute_notebook.py --kernel literate-gpt-ts --cwd notebooks \
        --timeout 900 notebooks/00-setup.ipynb out/00-setup.ipynb out/00-setup.html

Cells run one at a time until the first one whose execute_reply is not "ok". The tslab kernel
reports errors as stderr text plus an "error" reply and then aborts whatever arrives in the next
200 ms, so running on would only produce a column of aborted cells. The executed notebook is
written either way (cells not reached keep no outputs), and the last stdout line is a JSON
summary that run-notebooks.js reads; judging outputs (stderr that looks like an error, metrics)
is left to run-notebooks.js so the rules live in one place.

Works with the project's .venv and with Debian's python3-nbclient / python3-nbconvert.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


# Our nbconvert template (the lab one without CDN scripts; see scripts/offline-html.js).
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbconvert")


def export_html(nb, path):
    """Write `nb` as standalone HTML; returns an error string when nbconvert is missing or fails."""
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        return "nbconvert is not installed"
    try:
        exporter = HTMLExporter(extra_template_basedirs=[TEMPLATES], template_name="lgpt-offline")
        body, _ = exporter.from_notebook_node(nb)
    except Exception as e:  # an export problem must not hide the execution result
        return f"{type(e).__name__}: {e}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)
    return None


def sign(nb):
    """Trust the outputs we just made, as JupyterLab does when it saves a notebook it ran: opened in
    JupyterLab, an unsigned notebook's HTML outputs are sanitized and their scripts (plotly figures,
    the interactive views) do not run. The signature goes into the user's Jupyter data folder."""
    try:
        from nbformat.sign import NotebookNotary
        NotebookNotary().sign(nb)
    except Exception as e:  # no writable data folder: the notebook still opens, untrusted
        print(f"could not sign the executed notebook: {e}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", required=True)
    p.add_argument("--cwd", required=True, help="the kernel's working directory")
    p.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    p.add_argument("--startup-timeout", type=int, default=120)
    p.add_argument("notebook")
    p.add_argument("out_ipynb")
    p.add_argument("out_html", nargs="?")
    a = p.parse_args()

    nb = nbformat.read(a.notebook, as_version=4)
    replies = {}

    def on_cell_executed(cell, cell_index, execute_reply):
        content = execute_reply["content"]
        replies[cell_index] = content.get("status", "unknown")
        # tslab sends no execute_input message, where nbclient would read the count from.
        if content.get("execution_count") is not None:
            cell.execution_count = content["execution_count"]

    client = NotebookClient(
        nb,
        kernel_name=a.kernel,
        timeout=a.timeout,
        startup_timeout=a.startup_timeout,
        allow_errors=True,  # we stop ourselves, on the reply status, and say which cell
        record_timing=True,
        on_cell_executed=on_cell_executed,
        resources={"metadata": {"path": a.cwd}},
    )
    result = {"failed_cell": None, "status": "ok", "executed": 0, "error": None}
    t0 = time.time()
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    result.update(failed_cell=index, status="timeout", error=f"no reply within {a.timeout} s")
                    break
                except DeadKernelError as e:
                    result.update(failed_cell=index, status="dead-kernel", error=f"the kernel died: {e}")
                    break
                result["executed"] += 1
                status = replies.get(index, "unknown")
                if status != "ok":
                    result.update(failed_cell=index, status=status)
                    break
    except Exception as e:  # kernel did not start: missing kernelspec, node not on PATH, ...
        result.update(status="kernel-error", error=f"{type(e).__name__}: {e}".strip())
    result["seconds"] = round(time.time() - t0, 2)

    sign(nb)
    nbformat.write(nb, a.out_ipynb)
    if a.out_html:
        result["html_error"] = export_html(nb, a.out_html)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
