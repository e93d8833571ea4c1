# nbconvert configuration used by tools/run-notebooks.ts (loaded with --config).
# tslab reports a failing cell (type error, exception) on the cell's stderr stream and sends an
# error reply without a message, so nbconvert alone would show the cell but not the error:
# these hooks print each cell's progress and, on failure, the cell's source and its outputs.
# They also number the executed cells (In [n]).
import sys
import time

_started = {"t": time.time(), "count": 0}


def _on_cell_start(cell, cell_index, **kwargs):
    _started["t"] = time.time()


def _on_cell_executed(cell, cell_index, **kwargs):
    if cell.get("cell_type") == "code":
        # tslab sends no execute_input message, so nbclient cannot number the cells: do it here.
        _started["count"] += 1
        cell["execution_count"] = _started["count"]
        first = (cell.get("source") or "").strip().splitlines()[:1]
        print(f"    cell {cell_index:>3}  {time.time() - _started['t']:6.1f} s  {first[0][:70] if first else ''}",
              file=sys.stderr, flush=True)


def _on_cell_error(cell, cell_index, **kwargs):
    bar = "=" * 78
    lines = [bar, f"CELL {cell_index} FAILED", "-" * 78, cell.get("source", ""), "-" * 78]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            lines.append(out.get("text", "").rstrip())
        elif out.get("output_type") == "error":
            lines.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            lines.extend(out.get("traceback", []))
    lines.append(bar)
    print("\n".join(lines), file=sys.stderr, flush=True)


c = get_config()  # noqa: F821 (provided by traitlets when the file is loaded)
c.ExecutePreprocessor.on_cell_start = _on_cell_start
c.ExecutePreprocessor.on_cell_executed = _on_cell_executed
c.ExecutePreprocessor.on_cell_error = _on_cell_error
