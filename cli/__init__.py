"""The `rag` command line: the composition root, the only package that imports every stage.

Every command and option lives here (eval/ and ui/ expose functions; the eval and serve
commands wire them), so imports flow one way: cli -> ui/eval -> rag -> index.
"""
