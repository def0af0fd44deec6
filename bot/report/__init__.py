"""The editors' report on the question log: what users asked and did not get.

`data` reads the log into plain findings, `synonyms` names the closest monograph of each unknown name, `tables`
lays the findings out as tables, which `text` (console, CSV, the admins' summary), `html` (one file a phone can
open) and `export` (the labelled questions, in the corpus format) write; `command` is `python -m bot report`.
"""
