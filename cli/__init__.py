"""The `rag` command line: the composition root, the only package that imports every stage.

The index, ask and models commands are here; `eval` and `ui` contribute theirs through their
own `register_commands` (simonw/llm's pattern), so imports flow one way:
cli -> ui/eval -> rag -> index.
"""
