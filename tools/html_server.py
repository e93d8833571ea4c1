# Renders executed notebooks to HTML for tools/run-notebooks.ts, many in one process: each
# `jupyter nbconvert --to html` would spend about 1.5 s of CPU starting Python and loading nbconvert
# and its templates before a render of about 0.4 s. The renders are those of that command (the same
# NbConvertApp, arguments and defaults), byte for byte.
# Protocol: one JSON request per stdin line, {"path": notebook, "dir": output folder, "name": file
# name}; one JSON answer per stdout line, {"ok": true} or {"ok": false, "error": message}, in order.
# Exits when stdin closes.
import json
import os
import sys
import traceback

from nbconvert.nbconvertapp import NbConvertApp


def render(req):
    if not os.path.isfile(req["path"]):
        raise FileNotFoundError(f"{req['path']}: no such notebook")
    app = NbConvertApp()
    app.initialize(["--to", "html", "--output-dir", req["dir"], "--output", req["name"], req["path"]])
    app.convert_notebooks()


# The answers own stdout: whatever nbconvert itself prints goes to stderr.
answers = sys.stdout
sys.stdout = sys.stderr
for line in sys.stdin:
    try:
        render(json.loads(line))
        answer = {"ok": True}
    except BaseException as e:  # noqa: B036 (SystemExit from a bad notebook must not end the server)
        answer = {"ok": False, "error": f"{type(e).__name__}: {e}" if isinstance(e, FileNotFoundError) else traceback.format_exc()}
    print(json.dumps(answer), file=answers, flush=True)
